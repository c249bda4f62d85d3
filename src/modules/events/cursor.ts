/**
 * Reading the outbox by id without losing events. Ids come from a bigint identity, which hands
 * out numbers at INSERT but the rows become visible at COMMIT: id 11 can be visible while id 10
 * is still in flight (or rolled back and never coming). A reader therefore remembers the ids it
 * skipped (gaps) and asks for them again on every read, until they show up or are older than
 * `gapWaitMs` (a rolled-back transaction leaves a gap forever).
 */
export interface EventCursor {
  /** The highest id read so far. */
  high: number;
  /** Ids below `high` not seen yet → when the gap was first noticed (epoch ms). */
  gaps: Record<string, number>;
}

/** A gap wider than this is only tracked for its newest ids (a sequence jump after a crash). */
const MAX_TRACKED_GAPS = 1000;

export function newCursor(high: number): EventCursor {
  return { high, gaps: {} };
}

/** The ids to ask for besides `id > high`. */
export function gapIds(cursor: EventCursor): number[] {
  return Object.keys(cursor.gaps).map(Number);
}

/**
 * Moves the cursor past the rows just read (ordered by id). Returns the ids that are new to
 * this reader (a re-read gap id that finally arrived counts as new; nothing is returned twice).
 */
export function advanceCursor(
  cursor: EventCursor,
  readIds: number[],
  nowMs: number,
  gapWaitMs: number,
): number[] {
  const fresh: number[] = [];
  for (const id of readIds) {
    if (id <= cursor.high) {
      if (String(id) in cursor.gaps) {
        delete cursor.gaps[String(id)];
        fresh.push(id);
      }
      continue;
    }
    for (let g = Math.max(cursor.high + 1, id - MAX_TRACKED_GAPS); g < id; g++)
      cursor.gaps[String(g)] = nowMs;
    cursor.high = id;
    fresh.push(id);
  }
  for (const [g, seenAt] of Object.entries(cursor.gaps)) {
    if (nowMs - seenAt >= gapWaitMs) delete cursor.gaps[g];
  }
  return fresh;
}

/** Every id at or below this has been read or given up on. */
export function lowWatermark(cursor: EventCursor): number {
  const gaps = gapIds(cursor);
  return gaps.length === 0 ? cursor.high : Math.min(...gaps) - 1;
}
