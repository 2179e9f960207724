/* SPDX-License-Identifier: MIT */
/*
 * xslot.h - exchange slots: how one CPU hands work to another without locks.
 *
 * There is one slot per (source CPU, destination CPU) pair, so each slot has
 * exactly one producer and one consumer. A slot holds NULL (empty) or the head
 * of a batch: an intrusive, NULL-terminated list of struct xmsg, in the order
 * they were sent. The producer keeps messages on a private pending list
 * (struct xslot_out) and publishes the whole list when it finds the slot
 * empty; the consumer takes the batch and empties the slot at its scheduling
 * points. Messages are embedded in what they carry (a new thread, a freed
 * block), so sending never allocates and a full slot never loses anything: the
 * pending list just grows until the next publish.
 *
 * Ordering: plain loads and stores with acquire/release semantics, which on
 * x86-64 are ordinary MOVs plus a compiler barrier - no LOCK prefix, no XCHG,
 * no CMPXCHG anywhere on this path.
 *   - publish: the producer's writes to every message in the batch happen
 *     before its release store of the head; the consumer's acquire load of
 *     the head makes them visible before it reads the messages.
 *   - take: the consumer has read the head before its release store of NULL;
 *     the producer's acquire load of NULL then orders its next publish after
 *     that. The batch's nodes now belong to the consumer; the producer never
 *     touches them again.
 */
#ifndef KERNEL_XSLOT_H
#define KERNEL_XSLOT_H

#include <stdbool.h>
#include <stddef.h>

#define XSLOT_ALIGN 64 /* a cache line: slots of different pairs never share one */

struct xmsg {
	struct xmsg *next;
	unsigned int kind; /* for the consumer's dispatch (XMSG_* in percpu code) */
};

/* Shared between one producer CPU and one consumer CPU. */
struct xslot {
	struct xmsg *head;
} __attribute__((aligned(XSLOT_ALIGN)));

/* Private to the producer: what it has not been able to publish yet. */
struct xslot_out {
	struct xmsg *first;
	struct xmsg *last;
};

/* Producer: queue @m privately (call xslot_publish() to hand it over). */
static inline void xslot_queue(struct xslot_out *out, struct xmsg *m)
{
	m->next = NULL;
	if (out->last) {
		out->last->next = m;
	} else {
		out->first = m;
	}
	out->last = m;
}

/* Producer: true if messages are still waiting to be published. */
static inline bool xslot_pending(const struct xslot_out *out)
{
	return out->first != NULL;
}

/*
 * Producer: if the slot is empty, hand every pending message to the consumer.
 * Returns true when the pending list was published (or was empty).
 */
static inline bool xslot_publish(struct xslot *slot, struct xslot_out *out)
{
	if (!out->first) {
		return true;
	}
	if (__atomic_load_n(&slot->head, __ATOMIC_ACQUIRE) != NULL) {
		return false; /* the consumer has not taken the last batch yet */
	}
	__atomic_store_n(&slot->head, out->first, __ATOMIC_RELEASE);
	out->first = NULL;
	out->last = NULL;
	return true;
}

/* Consumer: take the published batch (oldest first), or NULL; empties the slot. */
static inline struct xmsg *xslot_take(struct xslot *slot)
{
	struct xmsg *batch = __atomic_load_n(&slot->head, __ATOMIC_ACQUIRE);

	if (batch) {
		__atomic_store_n(&slot->head, NULL, __ATOMIC_RELEASE);
	}
	return batch;
}

#endif
