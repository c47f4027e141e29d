"""The event loop outlives interrupted waits and ends, logged, on SIGTERM and SIGINT.

epoll_wait returns EINTR when the process is stopped and continued (SIGSTOP and SIGCONT, a
cgroup freeze and thaw) or traced (strace, gdb): the server must go round its loop again, not
exit. A terminating signal is logged and ends the process with status 0.
"""
import os
import shutil
import signal
import subprocess
import time

from harness import Server, check, done

with Server() as s:
    s.start()
    s.probe()
    pid = s.proc.pid

    for i in range(3):
        os.kill(pid, signal.SIGSTOP)
        time.sleep(0.2)
        os.kill(pid, signal.SIGCONT)
        time.sleep(0.2)
        check(s.alive(), "the server outlives SIGSTOP and SIGCONT (round %d): it exited with %s; "
              "log:\n%s" % (i + 1, s.proc.poll(), s.log_text()))
        s.probe()

    strace = shutil.which("strace")
    if strace is None:
        print("note: strace is not installed; attaching a tracer is not tried", flush=True)
    else:
        tracer = subprocess.Popen([strace, "-p", str(pid), "-o", os.devnull],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(1.0)
        attached = tracer.poll() is None
        if attached:
            s.probe()
            tracer.send_signal(signal.SIGINT)  # strace detaches on SIGINT
        try:
            tracer.wait(10)
        except subprocess.TimeoutExpired:
            tracer.kill()
            tracer.wait()
        if not attached:
            print("note: strace could not attach here (%s); not tried"
                  % tracer.stderr.read().decode(errors="replace").strip()[-200:], flush=True)
        time.sleep(0.2)
        check(s.alive(), "the server outlives strace attaching and detaching: it exited with %s"
              % s.proc.poll())
        s.probe()

    code = s.stop()
    check(code == 0, "SIGTERM ends the server with status 0, not %s" % code)
    check("SIGTERM received" in s.log_text(), "SIGTERM is logged:\n%s" % s.log_text())

    s.start()
    s.probe()
    s.proc.send_signal(signal.SIGINT)
    try:
        code = s.proc.wait(10)
    except subprocess.TimeoutExpired:
        code = None
    check(code == 0, "SIGINT ends the server with status 0, not %s" % code)
    check("SIGINT received" in s.log_text(), "SIGINT is logged:\n%s" % s.log_text())

done()
