package io.fingerpost.report;

import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * PDF from the pages' own XHTML with openhtmltopdf (PDFBox), inline SVG drawn by its Batik support: one
 * layout for screen, print and PDF. Blocking and CPU-heavy: call on a worker thread.
 */
final class Pdf {
  private Pdf() {}

  private static final String[][] FONTS = {
      {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "400"},
      {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "700"}};

  static byte[] render(String xhtml) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
    try {
      PdfRendererBuilder builder = new PdfRendererBuilder();
      builder.useFastMode();
      builder.useSVGDrawer(new BatikSVGDrawer());
      // the pages name "DejaVu Sans" first: embedded when the system has it (arrows, minus signs); else the
      // PDF's built-in Helvetica, which lacks a few of those characters
      for (String[] f : FONTS) {
        File file = new File(f[0]);
        if (file.isFile()) {
          builder.useFont(file, "DejaVu Sans", Integer.parseInt(f[1]), BaseRendererBuilder.FontStyle.NORMAL, true);
        }
      }
      // no base URI: nothing is fetched (the pages are self-contained)
      builder.withHtmlContent(xhtml, null);
      builder.toStream(out);
      builder.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
