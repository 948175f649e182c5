import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';

/**
 * A domain event's class: the topic it is published under. A feature owns its events
 * (`conversations/conversation-events.ts`); whoever reacts to one subscribes with
 * `@OnEvent(MessageStored.topic)`.
 */
export interface DomainEventClass {
  readonly topic: string;
}

/**
 * Where services announce what they have committed. The publisher knows nothing of who
 * listens (the real-time layer turns events into frames); listeners run synchronously,
 * in the publisher's turn, and a listener's failure is logged, never thrown back.
 */
@Injectable()
export class DomainEvents {
  constructor(private readonly emitter: EventEmitter2) {}

  publish(event: object): void {
    const { topic } = event.constructor as unknown as DomainEventClass;
    this.emitter.emit(topic, event);
  }
}
