/* SPDX-License-Identifier: MIT */
/*
 * xmsg_kinds.h - what a struct xmsg (kernel/xslot.h) carries, so the CPU
 * that takes a batch from an exchange slot can dispatch each message to its
 * subsystem. One list for the whole kernel: each kind is added here by the
 * subsystem that sends it. 0 is never a kind, so a zeroed node is caught.
 */
#ifndef KERNEL_XMSG_KINDS_H
#define KERNEL_XMSG_KINDS_H

enum xmsg_kind {
	XMSG_NONE = 0,
	XMSG_FREE = 1,	 /* a heap block freed on another CPU, going home: heap_receive() */
	XMSG_THREAD = 2, /* a new thread for the destination CPU to run */
	XMSG_WAKE = 3,	 /* a blocked thread of the destination becomes ready */
	XMSG_JOIN = 4,	 /* a thread of the source waits for one of the destination */
	XMSG_DETACH = 5, /* a thread of the source detaches one of the destination */
	XMSG_CALL = 6,	 /* run a function for a blocked thread of the source: xcall_receive() */
};

#endif /* KERNEL_XMSG_KINDS_H */
