package io.fingerpost.store;

/** What one batch did: rows new to the store, rows with a revised value, rows already stored as they are. */
public record BatchResult(long inserted, long updated, long unchanged, int seriesChanged) {
  public static final BatchResult EMPTY = new BatchResult(0, 0, 0, 0);

  public BatchResult plus(BatchResult o) {
    return new BatchResult(inserted + o.inserted, updated + o.updated, unchanged + o.unchanged,
        seriesChanged + o.seriesChanged);
  }

  public long written() {
    return inserted + updated;
  }
}
