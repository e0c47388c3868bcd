import { Logger } from '@nestjs/common';
import mongoose, { type Connection } from 'mongoose';

export interface MongoConnectOptions {
  /** `mongodb://host:port/<db>`; the database in the URL wins over `dbName`. */
  url: string;
  /** The service's own database when the URL names none: each service owns its collections. */
  dbName?: string;
  serverSelectionTimeoutMs?: number;
}

/** One mongoose connection per service, created from MONGO_URL, failing fast when no server answers. */
export async function connectMongo(options: MongoConnectOptions): Promise<Connection> {
  const logger = new Logger('Mongo');
  const connection = mongoose.createConnection(options.url, {
    ...(options.dbName !== undefined ? { dbName: options.dbName } : {}),
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
    autoIndex: true,
  });
  connection.on('disconnected', () => logger.warn('mongo disconnected'));
  connection.on('reconnected', () => logger.log('mongo reconnected'));
  await connection.asPromise();
  return connection;
}
