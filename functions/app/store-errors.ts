/**
 * How a write to the store or the bus can be refused, in the application's words: the adapters throw
 * these, the use cases decide what each means (retry, answer 409, leave it to the sweep).
 */

export class StartConflict extends Error {
  constructor() {
    super('another verification was started for this client meanwhile');
    this.name = 'StartConflict';
  }
}

/** Another run is publishing this verification's event: retry later (it may crash before it is out). */
export class OutboxBusy extends Error {
  constructor() {
    super('another run is publishing this event');
    this.name = 'OutboxBusy';
  }
}

/** A list cursor that this API did not hand out for this client. */
export class InvalidCursor extends Error {
  constructor() {
    super('cursor: not a cursor of this list');
    this.name = 'InvalidCursor';
  }
}

export class VersionConflict extends Error {
  constructor() {
    super('the verification changed meanwhile');
    this.name = 'VersionConflict';
  }
}

/** The bus refused the event (an entry failed): it was certainly not published, so it may be tried again at once. */
export class PublishRefused extends Error {
  constructor(reason: string) {
    super(`PutEvents refused the event: ${reason}`);
    this.name = 'PublishRefused';
  }
}
