/** A write that was not done on purpose; the message says why and what to do. */
export class WriteRefusedError extends Error {}

/** The file changed between reading and replacing it. */
export class ChangedMeanwhileError extends WriteRefusedError {}
