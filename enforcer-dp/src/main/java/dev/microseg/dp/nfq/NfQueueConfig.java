package dev.microseg.dp.nfq;

import java.time.Duration;
import java.util.Objects;

/**
 * How to bind and run one NFQUEUE.
 *
 * @param queueNumber        0..65535; queue numbers are per network namespace
 * @param copyMode           metadata only, or metadata and payload
 * @param copyRange          payload bytes copied per packet, 1..65531 (NFQNL_MAX_COPY_RANGE)
 * @param maxQueueLength     packets the kernel holds for this queue before dropping (or accepting,
 *                           with {@code failOpen}); the kernel's default is 1024
 * @param gso                NFQA_CFG_F_GSO: receive GSO super-packets unsegmented (~8x TCP
 *                           throughput here, ENVIRONMENT.md); checksums may then be unset
 * @param failOpen           NFQA_CFG_F_FAIL_OPEN: accept instead of drop when the queue is full;
 *                           also the verdict given to packets the loop cannot hand to the handler
 * @param receiveBatch       datagrams taken per {@code recvmmsg} call, 1..1024; verdicts are flushed
 *                           after each batch
 * @param receiveBufferBytes SO_RCVBUF(FORCE) of the queue socket
 * @param pollInterval       longest a receive blocks, so {@link NfQueue#stop()} takes effect
 */
public record NfQueueConfig(int queueNumber, CopyMode copyMode, int copyRange, int maxQueueLength, boolean gso,
                            boolean failOpen, int receiveBatch, int receiveBufferBytes, Duration pollInterval) {
    /** Largest queue number: res_id of nfgenmsg is 16 bits. */
    public static final int MAX_QUEUE_NUMBER = 65535;
    public static final int MAX_COPY_RANGE = Nfq.MAX_COPY_RANGE;
    /** Upper bound of one recvmmsg batch; also the verdict buffer size. */
    public static final int MAX_RECEIVE_BATCH = 1024;
    public static final int MIN_RECEIVE_BUFFER = 64 * 1024;

    public NfQueueConfig {
        Objects.requireNonNull(copyMode, "copyMode");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (queueNumber < 0 || queueNumber > MAX_QUEUE_NUMBER) {
            throw new IllegalArgumentException("queueNumber " + queueNumber + " outside 0.." + MAX_QUEUE_NUMBER);
        }
        if (copyRange < 1 || copyRange > MAX_COPY_RANGE) {
            throw new IllegalArgumentException("copyRange " + copyRange + " outside 1.." + MAX_COPY_RANGE);
        }
        if (maxQueueLength < 1) {
            throw new IllegalArgumentException("maxQueueLength " + maxQueueLength + " must be positive");
        }
        if (receiveBatch < 1 || receiveBatch > MAX_RECEIVE_BATCH) {
            throw new IllegalArgumentException("receiveBatch " + receiveBatch + " outside 1.." + MAX_RECEIVE_BATCH);
        }
        if (receiveBufferBytes < MIN_RECEIVE_BUFFER) {
            throw new IllegalArgumentException("receiveBufferBytes " + receiveBufferBytes + " below " + MIN_RECEIVE_BUFFER);
        }
        if (pollInterval.isNegative() || pollInterval.isZero() || pollInterval.toSeconds() > 10) {
            throw new IllegalArgumentException("pollInterval " + pollInterval + " outside (0, 10 s]");
        }
    }

    /**
     * Queue {@code n} with the data plane's defaults: full packets up to 65531 bytes, GSO on,
     * fail-closed, 4096 packets, 64 datagrams per receive, 8 MiB socket buffer, 100 ms poll.
     */
    public static NfQueueConfig defaults(int n) {
        return new NfQueueConfig(n, CopyMode.PACKET, MAX_COPY_RANGE, 4096, true, false, 64, 8 << 20,
                Duration.ofMillis(100));
    }

    public NfQueueConfig withCopy(CopyMode mode, int range) {
        return new NfQueueConfig(queueNumber, mode, range, maxQueueLength, gso, failOpen, receiveBatch,
                receiveBufferBytes, pollInterval);
    }

    public NfQueueConfig withGso(boolean on) {
        return new NfQueueConfig(queueNumber, copyMode, copyRange, maxQueueLength, on, failOpen, receiveBatch,
                receiveBufferBytes, pollInterval);
    }

    public NfQueueConfig withFailOpen(boolean on) {
        return new NfQueueConfig(queueNumber, copyMode, copyRange, maxQueueLength, gso, on, receiveBatch,
                receiveBufferBytes, pollInterval);
    }

    public NfQueueConfig withMaxQueueLength(int n) {
        return new NfQueueConfig(queueNumber, copyMode, copyRange, n, gso, failOpen, receiveBatch,
                receiveBufferBytes, pollInterval);
    }

    public NfQueueConfig withReceiveBatch(int n) {
        return new NfQueueConfig(queueNumber, copyMode, copyRange, maxQueueLength, gso, failOpen, n,
                receiveBufferBytes, pollInterval);
    }

    public NfQueueConfig withReceiveBufferBytes(int n) {
        return new NfQueueConfig(queueNumber, copyMode, copyRange, maxQueueLength, gso, failOpen, receiveBatch,
                n, pollInterval);
    }

    public NfQueueConfig withPollInterval(Duration d) {
        return new NfQueueConfig(queueNumber, copyMode, copyRange, maxQueueLength, gso, failOpen, receiveBatch,
                receiveBufferBytes, d);
    }

    /** What the kernel may send per datagram: the payload, plus headroom for every other attribute. */
    int slotBytes() {
        int payload = copyMode == CopyMode.PACKET ? copyRange : 0;
        return (payload + SLOT_HEADROOM + 63) & ~63;
    }

    /**
     * Room for the netlink and nfgenmsg headers and all non-payload attributes nfnetlink_queue can
     * add (packet header, mark, timestamp, four ifindexes, hwaddr, cap_len, skb_info, vlan, l2
     * header, priority, cgroup: under 512 bytes, nfqnl_build_packet_message); 4 KiB is generous.
     */
    static final int SLOT_HEADROOM = 4096;
}
