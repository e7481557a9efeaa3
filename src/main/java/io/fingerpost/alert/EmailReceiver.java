package io.fingerpost.alert;

import io.fingerpost.config.ReceiverConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.mail.MailAttachment;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.List;
import java.util.Locale;

/**
 * Email over SMTP (vertx-mail-client); a digest is sent as HTML with its PDF attached. The idempotency key becomes the Message-ID, so a mail system that
 * sees the same notification twice can tell. SMTP failures are retried.
 */
public final class EmailReceiver implements Receiver {
  private final String name;
  private final ReceiverConfig cfg;
  private final MailClient client;

  public EmailReceiver(Vertx vertx, String name, ReceiverConfig cfg) {
    this.name = name;
    this.cfg = cfg;
    ReceiverConfig.Smtp smtp = cfg.smtp();
    MailConfig mc = new MailConfig()
        .setHostname(smtp.host())
        .setPort(smtp.port() == null ? 25 : smtp.port())
        .setStarttls(smtp.starttls() == null ? StartTLSOptions.OPTIONAL
            : StartTLSOptions.valueOf(smtp.starttls().toUpperCase(Locale.ROOT)))
        .setConnectTimeout((int) cfg.timeout().toMillis())
        .setKeepAlive(false);
    if (smtp.username() != null && !smtp.username().isBlank()) {
      mc.setUsername(smtp.username()).setPassword(smtp.password());
    }
    this.client = MailClient.create(vertx, mc);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Future<Void> deliver(Notification n, String idempotencyKey) {
    MailMessage m = new MailMessage()
        .setFrom(cfg.from())
        .setTo(cfg.to())
        .setSubject(Formats.subject(n))
        .setText(Formats.text(n));
    Notification.Digest d = n.digest();
    if (d != null) { // a digest: the report as the HTML body (the summary stays as the text part) and its PDF
      m.setHtml(d.html());
      if (d.attachment() != null) {
        m.setAttachment(List.of(MailAttachment.create().setName(d.attachment().filename())
            .setContentType(d.attachment().contentType()).setDisposition("attachment")
            .setData(Buffer.buffer(d.attachment().data()))));
      }
    }
    m.addHeader("Message-ID", "<" + idempotencyKey + "@fingerpost>");
    m.addHeader("X-Fingerpost-Idempotency-Key", idempotencyKey);
    return client.sendMail(m).<Void>mapEmpty().recover(e -> Future.failedFuture(
        new DeliveryException(name + ": SMTP: " + e.getMessage(), null, true, e)));
  }
}
