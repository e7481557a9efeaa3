package io.fingerpost.alert;

import io.vertx.core.Future;
import java.util.List;

/** Somewhere notifications go. Implementations fail with {@link DeliveryException}. */
public interface Receiver {
  String name();

  /**
   * Sends one notification. The key is the same on every attempt of the same notification, so a receiver
   * that saw a notification before can drop the repeat.
   */
  Future<Void> deliver(Notification notification, String idempotencyKey);

  /**
   * Re-announces the alerts still firing, for receivers that forget alerts that are not re-sent
   * (Alertmanager). Others do nothing.
   */
  default Future<Void> refresh(List<Notification.Alert> firing) {
    return Future.succeededFuture();
  }

  default boolean needsRefresh() {
    return false;
  }

  /** Why a delivery failed, and whether trying again can help. */
  final class DeliveryException extends RuntimeException {
    private final Integer status;
    private final boolean retryable;

    public DeliveryException(String message, Integer status, boolean retryable, Throwable cause) {
      super(message, cause);
      this.status = status;
      this.retryable = retryable;
    }

    public Integer status() {
      return status;
    }

    public boolean retryable() {
      return retryable;
    }
  }
}
