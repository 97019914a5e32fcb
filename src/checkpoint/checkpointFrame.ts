/**
 * The frame around a checkpoint's parts: what makes a checkpoint refusable before anything is
 * restored. Layout:
 *   "CFCK" · u32 format version · string configuration fingerprint · string what (the object:
 *   a symbol's engine state) · u32 payload length · payload · FNV-1a 64 of the payload (string)
 * A checkpoint of another version, of another configuration (the fingerprint of everything that
 * shapes the state: analyzer configuration, composite options, buffer and clock limits), for
 * another object, truncated or with a single byte changed is a CheckpointError naming which.
 */
import { fingerprint, fnv1a64 } from "../cache/fingerprint.js";
import { StateReader, StateWriter } from "./stateCodec.js";

/** The checkpoint format's version: bumped whenever any part's layout changes. */
const CHECKPOINT_VERSION = 1;
/** Bounds on the frame's strings (a fingerprint is 16 hex digits; a name a symbol). */
const MAX_NAME_BYTES = 1024;
/** A symbol's state is tens of kilobytes; a book of 10⁶ levels a few tens of megabytes. */
const MAX_PAYLOAD_BYTES = 1 << 30;

/** The fingerprint of the configuration a checkpoint's state was made under. */
export const configurationFingerprint = (configuration: unknown): string => fingerprint(configuration);

/** Frames `payload` (the parts, written by `write`) for `what` under `config` (a fingerprint). */
export function frameCheckpoint(config: string, what: string, write: (w: StateWriter) => void): Uint8Array {
  const body = new StateWriter();
  write(body);
  const payload = body.finish();
  const w = new StateWriter();
  w.tag("CFCK");
  w.u32(CHECKPOINT_VERSION);
  w.string(config);
  w.string(what);
  w.bytes(payload);
  w.string(fnv1a64(payload));
  return w.finish();
}

/**
 * Checks the frame of `bytes` (version, configuration, object, integrity) and returns a reader on
 * its payload; `read` must consume all of it. Throws CheckpointError, before anything is read
 * into any object, when the frame does not fit.
 */
export function openCheckpoint(bytes: Uint8Array, config: string, what: string): StateReader {
  const r = new StateReader(bytes);
  r.tag("CFCK");
  const version = r.u32();
  if (version !== CHECKPOINT_VERSION) throw r.fail(`format version ${version}: this library reads version ${CHECKPOINT_VERSION}`);
  const madeUnder = r.string(MAX_NAME_BYTES);
  if (madeUnder !== config)
    throw r.fail(
      `made under another configuration (fingerprint ${madeUnder}, this engine's is ${config}): analyzer, composite, buffer or clock settings differ`,
    );
  const madeFor = r.string(MAX_NAME_BYTES);
  if (madeFor !== what) throw r.fail(`a checkpoint of ${JSON.stringify(madeFor)}, not of ${JSON.stringify(what)}`);
  const payload = r.bytes(MAX_PAYLOAD_BYTES);
  const sum = r.string(64);
  r.end();
  if (sum !== fnv1a64(payload)) throw r.fail("its content does not match its checksum: the bytes were changed or cut");
  return new StateReader(payload);
}
