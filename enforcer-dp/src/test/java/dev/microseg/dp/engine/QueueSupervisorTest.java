package dev.microseg.dp.engine;

import dev.microseg.dp.netlink.Errno;
import dev.microseg.dp.netlink.NetlinkException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures injected into a queue's receive loop: transient ones restart it with a growing
 * back-off, a broken socket is replaced by binding the queue again, errors of the JVM (and too
 * many restarts, or a failed rebind) make the queue unservable, which is reported once.
 */
class QueueSupervisorTest {
    private final List<String> fatal = new ArrayList<>();
    private final List<Long> slept = new ArrayList<>();
    private int rebound;
    private final QueueSupervisor.Rebind rebind = () -> rebound++;
    private long clock;

    private QueueSupervisor supervisor() {
        return new QueueSupervisor(3, fatal::add, () -> clock, d -> {
            slept.add(d.toMillis());
            clock += d.toNanos();
        });
    }

    /** A loop that throws each of {@code failures} in turn, then returns (stopped). */
    private static QueueSupervisor.Loop failing(List<Throwable> failures) {
        int[] next = {0};
        return () -> {
            if (next[0] < failures.size()) {
                Throwable t = failures.get(next[0]++);
                if (t instanceof NetlinkException ne) {
                    throw ne;
                }
                if (t instanceof RuntimeException re) {
                    throw re;
                }
                throw (Error) t;
            }
        };
    }

    private static NetlinkException errno(Errno e) {
        return new NetlinkException("receiving from queue 3", e.number(), null);
    }

    static Stream<Arguments> transientFailures() {
        return Stream.of(
                Arguments.of("ENOBUFS on sendto", errno(Errno.ENOBUFS)),
                Arguments.of("ENOMEM", errno(Errno.ENOMEM)),
                Arguments.of("EINTR", errno(Errno.EINTR)),
                Arguments.of("a send failure out of a handler", new UncheckedIOException(errno(Errno.EAGAIN))),
                Arguments.of("a bug in the loop", new IllegalStateException("cursor out of range")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transientFailures")
    void aTransientFailureRestartsTheLoopWithAGrowingBackoff(String name, Throwable failure) {
        QueueSupervisor s = supervisor();
        assertThat(s.supervise(failing(List.of(failure, failure, failure)), rebind)).as("stopped normally at last").isTrue();
        assertThat(s.restarts()).isEqualTo(3);
        assertThat(slept).containsExactly(10L, 20L, 40L);
        assertThat(fatal).isEmpty();
        assertThat(rebound).as("the same socket serves on").isZero();
    }

    static Stream<Arguments> brokenSockets() {
        return Stream.of(
                Arguments.of("EBADF", errno(Errno.EBADF)),
                Arguments.of("EINVAL", errno(Errno.EINVAL)),
                Arguments.of("EIO out of a handler's send", new UncheckedIOException(errno(Errno.EIO))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenSockets")
    void aBrokenSocketIsReplacedByBindingTheQueueAgain(String name, Throwable failure) {
        QueueSupervisor s = supervisor();
        assertThat(s.supervise(failing(List.of(failure)), rebind)).isTrue();
        assertThat(rebound).isEqualTo(1);
        assertThat(s.rebinds()).isEqualTo(1);
        assertThat(s.restarts()).isEqualTo(1);
        assertThat(fatal).isEmpty();
    }

    @Test
    void aRebindThatFailsEndsServing() {
        QueueSupervisor s = supervisor();
        QueueSupervisor.Rebind refused = () -> {
            throw errno(Errno.EPERM);
        };
        assertThat(s.supervise(failing(List.of(errno(Errno.EBADF))), refused)).isFalse();
        assertThat(fatal).singleElement().asString().startsWith("queue 3 cannot be served: binding it again failed");
        assertThat(s.rebinds()).isZero();
    }

    static Stream<Arguments> fatalFailures() {
        return Stream.of(
                Arguments.of("out of memory", new OutOfMemoryError("Java heap space"), "OutOfMemoryError"),
                Arguments.of("stack overflow", new StackOverflowError(), "StackOverflowError"),
                Arguments.of("linkage", new NoClassDefFoundError("dev/microseg/Missing"), "NoClassDefFoundError"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fatalFailures")
    void aFailureThatCannotPassEndsServingAndIsReportedOnce(String name, Throwable failure, String named) {
        QueueSupervisor s = supervisor();
        assertThat(s.supervise(failing(List.of(failure)), rebind)).isFalse();
        assertThat(fatal).hasSize(1);
        assertThat(fatal.getFirst()).startsWith("queue 3 cannot be served").contains(named);
        assertThat(s.restarts()).isZero();
        assertThat(s.serving()).isFalse();
    }

    @Test
    void anErrorWhileBindingAgainEndsServingAndIsReported() {
        QueueSupervisor s = supervisor();
        QueueSupervisor.Rebind outOfMemory = () -> {
            throw new OutOfMemoryError("Cannot reserve 4194304 bytes of direct buffer memory");
        };
        assertThat(s.supervise(failing(List.of(errno(Errno.EBADF))), outOfMemory)).isFalse();
        assertThat(fatal).singleElement().asString().contains("binding it again failed").contains("OutOfMemoryError");
        assertThat(s.serving()).isFalse();
    }

    @Test
    void tooManyRestartsWithinTheWindowEndServing() {
        QueueSupervisor s = supervisor();
        List<Throwable> always = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            always.add(errno(Errno.ENOBUFS));
        }
        assertThat(s.supervise(failing(always), rebind)).isFalse();
        assertThat(s.restarts()).isEqualTo(QueueSupervisor.MAX_RESTARTS);
        assertThat(fatal).singleElement().asString().contains("more than " + QueueSupervisor.MAX_RESTARTS + " restarts");
        assertThat(slept).last().isEqualTo(QueueSupervisor.MAX_BACKOFF.toMillis());
    }

    @Test
    void restartsOlderThanTheWindowNoLongerCountAndTheBackoffStartsOver() {
        QueueSupervisor s = supervisor();
        int[] runs = {0};
        QueueSupervisor.Loop loop = () -> {
            runs[0]++;
            if (runs[0] == QueueSupervisor.MAX_RESTARTS + 1) {
                clock += QueueSupervisor.RESTART_WINDOW.plusSeconds(1).toNanos();
            }
            if (runs[0] <= QueueSupervisor.MAX_RESTARTS + 1) {
                throw errno(Errno.ENOBUFS);
            }
        };
        assertThat(s.supervise(loop, rebind)).isTrue();
        assertThat(fatal).isEmpty();
        assertThat(s.restarts()).isEqualTo(QueueSupervisor.MAX_RESTARTS + 1);
        assertThat(slept.getLast()).as("a failure after a quiet window starts the back-off over").isEqualTo(10L);
    }
}
