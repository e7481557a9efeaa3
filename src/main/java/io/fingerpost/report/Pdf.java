package io.fingerpost.report;

import com.openhtmltopdf.extend.FSCacheEx;
import com.openhtmltopdf.extend.FSCacheValue;
import com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder;
import com.openhtmltopdf.pdfboxout.PDFontSupplier;
import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import com.openhtmltopdf.svgsupport.BatikSVGDrawer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * PDF from the pages' own XHTML with openhtmltopdf (PDFBox), inline SVG drawn by its Batik support: one
 * layout for screen, print and PDF. Blocking and CPU-heavy: call on a worker thread.
 *
 * <p>Cost (profiled with JFR on bench/report.sh): per render, the fonts were read from disk and parsed, their
 * metrics measured again, and PDFBox ran its OpenType glyph substitution (GSUB: ligatures) over every string,
 * a fifth of the render. Now the font files are read once per JVM, the metrics are kept in openhtmltopdf's
 * shared metrics cache, and glyph substitution is off: the pages are Latin text and numbers, which DejaVu
 * draws the same without it (and pdftotext then reads "fi" as two letters, not a ligature).
 */
final class Pdf {
  private Pdf() {}

  private static final String FAMILY = "DejaVu Sans";
  private static final String[][] FONTS = {
      {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "400"},
      {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "700"}};

  /** A font file's bytes with its weight (PDFBox's font objects belong to one document: parsed per render). */
  private record Face(byte[] bytes, int weight) {}

  private static final List<Face> FACES = faces();

  /** openhtmltopdf's font-metrics store, shared by every render (its default is one per render). */
  private static final FSCacheEx<String, FSCacheValue> METRICS = new Cache();

  private static List<Face> faces() {
    List<Face> out = new ArrayList<>();
    // the pages name "DejaVu Sans" first: embedded when the system has it (arrows, minus signs); else the
    // PDF's built-in Helvetica, which lacks a few of those characters
    for (String[] f : FONTS) {
      Path file = Path.of(f[0]);
      if (Files.isRegularFile(file)) {
        try {
          out.add(new Face(Files.readAllBytes(file), Integer.parseInt(f[1])));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return List.copyOf(out);
  }

  static byte[] render(String xhtml) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
    PDDocument doc = new PDDocument();
    try {
      PdfRendererBuilder builder = new PdfRendererBuilder();
      builder.useFastMode();
      builder.usePDDocument(doc);
      builder.useCacheStore(PdfRendererBuilder.CacheStore.PDF_FONT_METRICS, METRICS);
      builder.useSVGDrawer(new BatikSVGDrawer());
      for (Face f : FACES) {
        TrueTypeFont ttf = new TTFParser().parse(new RandomAccessReadBuffer(f.bytes()));
        ttf.setEnableGsub(false);
        builder.useFont(new PDFontSupplier(PDType0Font.load(doc, ttf, true)), FAMILY, f.weight(),
            BaseRendererBuilder.FontStyle.NORMAL, true);
      }
      // no base URI: nothing is fetched (the pages are self-contained)
      builder.withHtmlContent(xhtml, null);
      builder.toStream(out);
      builder.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        doc.close();
      } catch (IOException ignored) {
        // already saved to the stream, or failed above
      }
    }
    return out.toByteArray();
  }

  /** A thread-safe {@link FSCacheEx} over a map (renders run on several worker threads at once). */
  private static final class Cache implements FSCacheEx<String, FSCacheValue> {
    private final ConcurrentHashMap<String, FSCacheValue> map = new ConcurrentHashMap<>();

    @Override
    public void put(String key, FSCacheValue value) {
      map.put(key, value);
    }

    @Override
    public FSCacheValue get(String key, Callable<? extends FSCacheValue> loader) {
      return map.computeIfAbsent(key, k -> {
        try {
          return loader.call();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
    }

    @Override
    public FSCacheValue get(String key) {
      return map.get(key);
    }
  }
}
