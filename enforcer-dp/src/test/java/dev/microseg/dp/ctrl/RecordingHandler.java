package dev.microseg.dp.ctrl;

import dev.microseg.dp.protocol.ControlError;
import dev.microseg.dp.protocol.ControlException;
import dev.microseg.dp.protocol.CtrlAddMac;
import dev.microseg.dp.protocol.CtrlCfgMac;
import dev.microseg.dp.protocol.CtrlDelMac;
import dev.microseg.dp.protocol.CtrlKeepAlive;
import dev.microseg.dp.protocol.CtrlSync;
import dev.microseg.dp.protocol.CtrlSysConf;
import dev.microseg.dp.protocol.InternalNets;
import dev.microseg.dp.protocol.WorkloadPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A handler that records what it is given; a command for iface "reject" is refused, for "explode"
 * it throws, for "oom", "overflow" and "jvm" it throws {@link OutOfMemoryError},
 * {@link StackOverflowError} and {@link InternalError}.
 */
final class RecordingHandler implements ControlHandler {
    final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    final AtomicLong applied = new AtomicLong();

    Object next(Duration timeout) throws InterruptedException {
        Object o = seen.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new AssertionError("the handler saw nothing within " + timeout);
        }
        return o;
    }

    private void record(Object o) {
        applied.incrementAndGet();
        seen.add(o);
    }

    @Override
    public void onKeepAlive(CtrlKeepAlive k) {
        record(k);
    }

    @Override
    public void onAddMac(CtrlAddMac cmd) throws ControlException {
        switch (cmd.endpoint().iface()) {
            case "reject" -> throw new ControlException(ControlError.REJECTED, "ctrl_add_mac.iface", "no such interface");
            case "explode" -> throw new IllegalStateException("engine bug");
            case "oom" -> throw new OutOfMemoryError("Java heap space");
            case "overflow" -> throw new StackOverflowError();
            case "jvm" -> throw new InternalError("injected");
            default -> record(cmd);
        }
    }

    @Override
    public void onDelMac(CtrlDelMac cmd) {
        record(cmd);
    }

    @Override
    public void onCfgMac(CtrlCfgMac cmd) {
        record(cmd);
    }

    @Override
    public void onPolicy(WorkloadPolicy policy) {
        record(policy);
    }

    @Override
    public void onInternalNets(InternalNets nets) {
        record(nets);
    }

    @Override
    public void onSysConf(CtrlSysConf conf) {
        record(conf);
    }

    @Override
    public void onSync(CtrlSync sync) {
        record(sync);
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of("engine.applied", applied.get());
    }
}
