/*
 * test_xslot.c - exchange slots with real host threads: several producers
 * send numbered messages to one consumer through their own slots while the
 * consumer drains them. Every message must arrive exactly once and, per
 * producer, in order. Built with ThreadSanitizer (see unit.mk), which reports
 * any access the acquire/release protocol fails to order.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include "harness.h"
#include <kernel/xslot.h>

#define PRODUCERS 3
#define MESSAGES 200000

struct msg {
	struct xmsg link; /* first: a struct xmsg * is a struct msg * */
	int producer;
	int seq;
};

static struct xslot slots[PRODUCERS];
static struct msg *pool[PRODUCERS];

static void *producer(void *arg)
{
	int id = (int)(intptr_t)arg;
	struct xslot_out out = { 0 };

	for (int i = 0; i < MESSAGES; i++) {
		struct msg *m = &pool[id][i];

		m->producer = id;
		m->seq = i;
		xslot_queue(&out, &m->link);
		xslot_publish(&slots[id], &out); /* may fail: the batch just grows */
	}
	while (!xslot_publish(&slots[id], &out)) {
		sched_yield();
	}
	return NULL;
}

static void test_many_producers_one_consumer(void)
{
	pthread_t threads[PRODUCERS];
	int next[PRODUCERS] = { 0 };
	long received = 0, out_of_order = 0, foreign = 0, batches = 0;

	for (int p = 0; p < PRODUCERS; p++) {
		pool[p] = calloc(MESSAGES, sizeof(struct msg));
		pthread_create(&threads[p], NULL, producer, (void *)(intptr_t)p);
	}
	while (received < (long)PRODUCERS * MESSAGES) {
		for (int p = 0; p < PRODUCERS; p++) {
			struct xmsg *m = xslot_take(&slots[p]);

			batches += m != NULL;
			while (m) {
				struct xmsg *following = m->next; /* read before the node is reused */
				struct msg *msg = (struct msg *)m;

				foreign += msg->producer != p;
				out_of_order += msg->seq != next[p];
				next[p] = msg->seq + 1;
				received++;
				m = following;
			}
		}
	}
	for (int p = 0; p < PRODUCERS; p++) {
		pthread_join(threads[p], NULL);
		CHECK(xslot_take(&slots[p]) == NULL);
		CHECK_EQ(next[p], MESSAGES);
		free(pool[p]);
	}
	CHECK_EQ(received, (long)PRODUCERS * MESSAGES);
	CHECK_EQ(out_of_order, 0);
	CHECK_EQ(foreign, 0);
	CHECK(batches > 0);
	printf("%ld messages in %ld batches\n", received, batches);
}

static void test_publish_only_when_empty(void)
{
	struct xslot slot = { 0 };
	struct xslot_out out = { 0 };
	struct msg a = { .seq = 1 }, b = { .seq = 2 };

	CHECK(xslot_publish(&slot, &out)); /* nothing pending: trivially done */
	xslot_queue(&out, &a.link);
	CHECK(xslot_publish(&slot, &out));
	CHECK(!xslot_pending(&out));
	xslot_queue(&out, &b.link);
	CHECK(!xslot_publish(&slot, &out)); /* a still in the slot */
	CHECK(xslot_pending(&out));
	CHECK(xslot_take(&slot) == &a.link);
	CHECK(a.link.next == NULL);
	CHECK(xslot_take(&slot) == NULL);
	CHECK(xslot_publish(&slot, &out));
	CHECK(xslot_take(&slot) == &b.link);
}

int main(void)
{
	test_publish_only_when_empty();
	test_many_producers_one_consumer();
	return harness_report();
}
