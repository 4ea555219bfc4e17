/**
 * Reads a migration's next page: documents after `lastId` in `_id` order, at most `size`. Each
 * page is its own short query, so no cursor ever holds the collection and a resumed run starts
 * exactly after the last `_id` it saved.
 */
import type { Collection, Document } from 'mongodb';

export async function readPage(
  collection: Collection<Document>,
  query: { filter: Document; pipeline: readonly Document[] | undefined },
  lastId: unknown,
  size: number,
): Promise<Document[]> {
  const after: Document | undefined = lastId === undefined ? undefined : { _id: { $gt: lastId } };
  if (query.pipeline) {
    const stages: Document[] = [
      ...(after ? [{ $match: after }] : []),
      { $sort: { _id: 1 } },
      ...query.pipeline,
      { $limit: size },
    ];
    return collection.aggregate(stages).toArray();
  }
  const hasFilter = Object.keys(query.filter).length > 0;
  const filter = after ? (hasFilter ? { $and: [query.filter, after] } : after) : query.filter;
  return collection.find(filter).sort({ _id: 1 }).limit(size).toArray();
}
