import busboy from 'busboy';
import express, { type Request, type RequestHandler } from 'express';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError, validation } from '../../src/lib/errors.js';
import { requireWellFormedStrings } from '../../src/lib/unicode.js';

/** An uploaded file of a request that accepts one (see UploadRule); deleted when the response ends. */
export interface UploadedFile {
  path: string;
  name: string;
  type: string;
  size: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The admin's parsed form or JSON body (flat keys, AdminJS's `payload`). */
    fields?: Record<string, unknown>;
    /** Files, only on routes with an UploadRule. */
    files?: Record<string, UploadedFile>;
  }
}

/** A route that accepts file uploads: which paths, how many files, how large. */
export interface UploadRule {
  /** Matched against the path inside the admin router (e.g. `/api/resources/X/actions/import`). */
  path: RegExp;
  maxFiles: number;
  maxFileBytes: number;
}

export interface AdminBodyOptions {
  /** Routes that take files. None by default: no admin action needs an upload today. */
  uploads?: readonly UploadRule[];
  /** Limit of a JSON or urlencoded body, and of all multipart fields together. */
  maxBodyBytes?: number;
  maxFields?: number;
}

const uploadRefused = () =>
  new AppError({
    code: 'HTTP.UPLOAD_NOT_ACCEPTED',
    kind: 'VALIDATION_ERROR',
    details: [{ field: 'file', code: 'upload_not_accepted', message: 'This request does not take files' }],
  });
const tooLarge = () => new AppError({ code: 'HTTP.PAYLOAD_TOO_LARGE', kind: 'PAYLOAD_TOO_LARGE' });
const unreadable = (cause?: unknown) => new AppError({ code: 'HTTP.BAD_REQUEST', kind: 'VALIDATION_ERROR', cause });

/**
 * The admin's request bodies (replacing express-formidable, which wrote every uploaded file of
 * every route to the temporary directory and left it there, and dropped the connection on bad
 * JSON): JSON and urlencoded bodies through Express's parsers, multipart through busboy,
 * everything into `req.fields`.
 * - a file part on a route without an UploadRule is refused (400) and never touches the disk;
 * - on a route with one, files stream to a private temporary directory within the rule's limits
 *   (413 beyond), and that directory is deleted when the response ends, whatever the outcome;
 * - malformed JSON, strings that are not valid Unicode and unreadable multipart are 400s.
 */
/** Names a form or JSON body may not use: AdminJS's payload handling would reach Object's own. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses (400) a body whose field names, at any depth or in a dotted path, name an object's internals. */
function requireSafeFieldNames(value: unknown, depth = 0): void {
  if (depth > 32 || value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    if (key.split(/[.[\]]/).some((segment) => FORBIDDEN_NAMES.has(segment)))
      throw validation(
        [{ field: key.slice(0, 100), code: 'invalid_field_name', message: 'This field name is not accepted' }],
        'HTTP.INVALID_FIELD_NAME',
      );
    requireSafeFieldNames((value as Record<string, unknown>)[key], depth + 1);
  }
}

export function adminBodyParser(options: AdminBodyOptions = {}): RequestHandler {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxFields = options.maxFields ?? 1000;
  const uploads = options.uploads ?? [];
  const json = express.json({ limit: maxBodyBytes, strict: true });
  const form = express.urlencoded({ extended: false, limit: maxBodyBytes, parameterLimit: maxFields });

  const multipart = (req: Request, rule: UploadRule | undefined) =>
    new Promise<void>((resolve, reject) => {
      const fields: Record<string, unknown> = {};
      const files: Record<string, UploadedFile> = {};
      const writes: Promise<void>[] = [];
      let failure: AppError | undefined;
      let dir: Promise<string> | undefined;
      const fail = (err: AppError) => {
        failure ??= err;
      };
      let parser: busboy.Busboy;
      try {
        parser = busboy({
          headers: req.headers,
          limits: {
            fields: maxFields,
            fieldSize: maxBodyBytes,
            files: rule?.maxFiles ?? 0,
            fileSize: rule?.maxFileBytes ?? 0,
            parts: maxFields + (rule?.maxFiles ?? 0),
          },
        });
      } catch (err) {
        reject(unreadable(err));
        return;
      }
      let fieldBytes = 0;
      parser.on('field', (name, value, info) => {
        fieldBytes += value.length;
        if (info.valueTruncated || info.nameTruncated || fieldBytes > maxBodyBytes) fail(tooLarge());
        else fields[name] = value;
      });
      parser.on('file', (name, stream, info) => {
        if (!rule) {
          fail(uploadRefused());
          stream.resume();
          return;
        }
        if (!dir) {
          dir = mkdtemp(join(tmpdir(), 'backoffice-upload-'));
          // Registered at once: the directory goes when the response ends, success or not.
          const created = dir;
          req.res?.once('close', () => void created.then((d) => rm(d, { recursive: true, force: true })).catch(() => {}));
        }
        const index = writes.length;
        // Attached now: busboy may reach the limit before the file is opened.
        stream.once('limit', () => fail(tooLarge()));
        writes.push(
          dir.then(async (d) => {
            const path = join(d, `file-${index}`);
            await pipeline(stream, createWriteStream(path, { mode: 0o600 }));
            files[name] = { path, name: info.filename ?? '', type: info.mimeType, size: (await stat(path)).size };
          }),
        );
      });
      parser.on('filesLimit', () => fail(rule ? tooLarge() : uploadRefused()));
      parser.on('fieldsLimit', () => fail(tooLarge()));
      parser.on('partsLimit', () => fail(tooLarge()));
      parser.on('error', (err) => {
        req.unpipe(parser);
        req.resume();
        reject(unreadable(err));
      });
      parser.on('close', () => {
        Promise.all(writes).then(
          () => {
            if (failure) return reject(failure);
            try {
              requireSafeFieldNames(fields);
            } catch (invalid) {
              return reject(invalid instanceof Error ? invalid : new Error(String(invalid)));
            }
            req.fields = fields;
            if (rule) req.files = files;
            resolve();
          },
          (err: unknown) => reject(failure ?? unreadable(err)),
        );
      });
      req.pipe(parser);
    });

  return (req, res, next) => {
    req.fields = {};
    if (req.method === 'GET' || req.method === 'HEAD' || !req.headers['content-type']) return next();
    const rule = uploads.find((u) => u.path.test(req.path));
    if (req.is('multipart/form-data')) {
      multipart(req, rule).then(
        () => next(),
        (err: unknown) => {
          // The rest of the body is not read: close the connection after answering.
          res.setHeader('Connection', 'close');
          next(err);
        },
      );
      return;
    }
    const parse = req.is('application/json') || req.is('application/*+json') ? json : req.is('urlencoded') ? form : null;
    if (!parse) return next();
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        requireWellFormedStrings(req.body);
        requireSafeFieldNames(req.body);
      } catch (invalid) {
        return next(invalid);
      }
      req.fields = (req.body ?? {}) as Record<string, unknown>;
      next();
    });
  };
}
