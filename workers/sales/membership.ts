// Group membership and Kafka readiness: the partitions this member holds and when a broker last
// answered. Only responses read from a broker count as contact (kafkajs' REQUEST event, and
// GROUP_JOIN), never a batch handed to eachBatch: it may come from a fetch made before the broker
// went down.
import type { KafkaTrouble } from '@/lib/ingest/kafka';
import type { Check } from '@/lib/ops-http';
import type { ConsumerContext } from './context';

interface JoinPayload {
  memberId: string;
  isLeader: boolean;
  memberAssignment: Record<string, number[] | undefined>;
}

export class GroupMembership {
  private joined = false;
  private lastContactAt = 0;
  /** Partitions of the topic this member holds, ascending. */
  assigned: number[] = [];

  constructor(
    private readonly ctx: Pick<ConsumerContext, 'topic' | 'log' | 'metrics'>,
    /**
     * A member that has not heard from the coordinator for a session timeout has lost its
     * partitions (or is about to): the broker is unreachable or the worker is stuck.
     */
    private readonly staleMs: number,
    private readonly kafkaTrouble?: () => KafkaTrouble | null,
  ) {}

  /** A broker answered a request. */
  contact(): void {
    this.lastContactAt = Date.now();
  }

  join(payload: JoinPayload): void {
    const { topic, metrics, log } = this.ctx;
    this.joined = true;
    this.contact();
    const previous = this.assigned;
    this.assigned = [...(payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    for (const partition of previous) {
      if (!this.assigned.includes(partition)) metrics.lag.remove({ topic, partition: String(partition) });
    }
    metrics.assignedPartitions.set({ topic }, this.assigned.length);
    metrics.rebalances.inc();
    log.info(
      { topic, memberId: payload.memberId, partitions: this.assigned, leader: payload.isLeader },
      this.assigned.length > 0
        ? 'joined consumer group'
        : 'joined consumer group without partitions (more workers than partitions): standing by',
    );
  }

  /** Crashed or stopped: no longer a member until the next join. */
  leave(): void {
    this.joined = false;
  }

  kafkaCheck(): Check {
    const { joined, assigned, staleMs } = this;
    const sinceContactMs = this.lastContactAt === 0 ? null : Date.now() - this.lastContactAt;
    const fresh = sinceContactMs !== null && sinceContactMs <= staleMs;
    // A broker error after the last good answer: kafkajs is retrying (broker down or moving).
    // It clears with the next heartbeat or fetch, well before the session would time out.
    const trouble = this.kafkaTrouble?.();
    const troubled = trouble != null && trouble.at > this.lastContactAt;
    let error: string | undefined;
    if (!joined) error = 'not a member of the consumer group (connecting or rejoining)';
    else if (troubled) error = `broker unreachable, retrying: ${trouble.message}`;
    else if (!fresh) error = `no answer from the group coordinator for ${staleMs / 1000} s`;
    // A member with no partitions (more workers than partitions) is healthy: it takes
    // partitions over as soon as another member leaves, so it reports ready as a standby.
    return {
      ok: error === undefined,
      joined,
      partitions: assigned,
      ...(joined && assigned.length === 0 ? { standby: true } : {}),
      lastContactMsAgo: sinceContactMs,
      ...(error ? { error } : {}),
    };
  }
}
