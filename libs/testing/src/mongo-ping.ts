import mongoose from 'mongoose';

/** True when a MongoDB-wire server answers ping at url (throws otherwise). */
export async function mongoPing(url: string, timeoutMs = 2000): Promise<boolean> {
  const connection = mongoose.createConnection(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await connection.asPromise();
    const db = connection.db;
    if (!db) throw new Error(`no database handle for ${url}`);
    await db.admin().ping();
    return true;
  } finally {
    await connection.close(true);
  }
}
