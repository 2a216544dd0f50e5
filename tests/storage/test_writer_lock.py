"""G12, one writer: a second SkillDesk is refused with who holds the database; a lock
left by a crash (SIGKILL) is recognised as stale and taken over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from skilldesk.errors import StorageError
from skilldesk.storage import writer_lock
from skilldesk.storage.database import open_database
from skilldesk.storage.writer_lock import DatabaseInUse
from skilldesk.storage.writer_lock import WriterLock
from skilldesk.storage.writer_lock import holder
from skilldesk.storage.writer_lock import lock_path_for

ROOT = Path(__file__).resolve().parents[2]

HOLD = textwrap.dedent("""
    import sys, time
    from skilldesk.storage.writer_lock import WriterLock
    lock = WriterLock.acquire(sys.argv[1], user=sys.argv[2])
    print("ready", lock.was_stale, flush=True)
    if sys.argv[3] == "release":
        lock.release()
    elif sys.argv[3] == "exit":
        sys.exit(0)
    else:
        time.sleep(60)
""")

TRY = textwrap.dedent("""
    import json, sys
    from skilldesk.storage.writer_lock import DatabaseInUse, WriterLock
    try:
        lock = WriterLock.acquire(sys.argv[1], user="other")
    except DatabaseInUse as exc:
        print(json.dumps({"code": exc.code, "holder": exc.holder, "text": str(exc)}))
    else:
        print(json.dumps({"code": "taken", "stale": lock.was_stale}))
""")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


class Holder:
    """Another process holding the writer's lock until killed."""

    def __init__(self, db: Path, user: str = "alice", mode: str = "hold"):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(db), user, mode],
            stdout=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
        line = self.proc.stdout.readline().split()
        assert line[:1] == ["ready"], line
        self.was_stale = line[1] == "True"

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.proc.stdout.close()

    def wait(self) -> int:
        code = self.proc.wait(10)
        self.proc.stdout.close()
        return code


@pytest.fixture
def db(tmp_path):
    return tmp_path / "skilldesk.db"


@pytest.fixture
def other(db):
    holders: list[Holder] = []

    def start(**kwargs) -> Holder:
        holders.append(Holder(db, **kwargs))
        return holders[-1]

    yield start
    for h in holders:
        if h.proc.poll() is None:
            h.kill()


needs_posix = pytest.mark.skipif(os.name == "nt", reason="SIGKILL and fork are POSIX")


def test_lock_file_says_who_writes(db):
    lock = WriterLock.acquire(db, user="王芳")
    try:
        data = json.loads(lock_path_for(db).read_text(encoding="utf-8"))
        assert set(data) == {"pid", "host", "user", "app", "since"}
        assert data["pid"] == os.getpid() and data["user"] == "王芳"
        assert data["app"] == "SkillDesk" and data["host"]
        assert lock_path_for(db) == db.with_name("skilldesk.db.lock")
        assert not lock.was_stale and lock.previous is None
        assert holder(db) == data  # as the GUI would ask
    finally:
        lock.release()
    assert holder(db) is None
    assert not lock_path_for(db).exists()


def test_second_process_is_refused_with_the_holder(db, other):
    alice = other(user="alice")
    with pytest.raises(DatabaseInUse) as info:
        WriterLock.acquire(db, user="bob")
    err = info.value
    assert err.code == "E_IN_USE" and isinstance(err, StorageError)
    assert err.holder["user"] == "alice" and err.holder["pid"] == alice.proc.pid
    assert err.holder["host"] and err.holder["since"]
    text = err.user_message()
    host = err.holder["host"]
    assert text.startswith(f"The database is open in SkillDesk on {host} by alice since ")
    assert text.endswith("Open it read-only, or close it there first.")
    assert holder(db)["user"] == "alice"
    alice.kill()


def test_this_process_refuses_a_second_process(db):
    with WriterLock.acquire(db, user="alice"):
        out = subprocess.run([sys.executable, "-c", TRY, str(db)], capture_output=True,
                             text=True, env=_env(), cwd=ROOT, timeout=30, check=True)
        result = json.loads(out.stdout)
        assert result["code"] == "E_IN_USE"
        assert result["holder"]["user"] == "alice"
        assert result["holder"]["pid"] == os.getpid()
        assert "by alice since" in result["text"]


@needs_posix
def test_killed_holder_leaves_a_stale_lock_that_is_taken_over(db, other):
    crashed = other(user="alice")
    pid = crashed.proc.pid
    crashed.kill()  # a crash: no release, the lock file stays
    assert lock_path_for(db).exists()
    assert holder(db) is None  # nobody holds it: the GUI does not name alice
    lock = WriterLock.acquire(db, user="bob")
    try:
        assert lock.was_stale
        assert lock.previous["user"] == "alice" and lock.previous["pid"] == pid
        assert holder(db)["user"] == "bob"
    finally:
        lock.release()
    again = WriterLock.acquire(db, user="bob")  # released cleanly: not stale
    assert not again.was_stale
    again.release()


def test_clean_release_in_another_process_is_not_stale(db, other):
    assert other(mode="release").wait() == 0
    assert not lock_path_for(db).exists()
    with WriterLock.acquire(db, user="bob") as lock:
        assert not lock.was_stale


def test_exit_without_release_is_not_stale(db, other):
    assert other(mode="exit").wait() == 0  # atexit released it
    with WriterLock.acquire(db, user="bob") as lock:
        assert not lock.was_stale


def test_another_process_sees_the_stale_lock_too(db, other):
    lock = WriterLock.acquire(db, user="alice")
    # simulate a crash here: forget the lock without cleaning up
    lock_file = lock_path_for(db).read_bytes()
    lock.release()
    lock_path_for(db).write_bytes(lock_file)
    assert holder(db) is None
    bob = other(user="bob", mode="release")
    assert bob.was_stale and bob.wait() == 0


def test_same_process_is_refused_too(db):
    first = WriterLock.acquire(db, user="alice")
    try:
        with pytest.raises(DatabaseInUse) as info:
            WriterLock.acquire(db, user="alice")
        assert info.value.same_process
        assert info.value.code == "E_IN_USE"
        assert "already open for writing in this SkillDesk" in info.value.user_message()
        # another spelling of the same file is the same database
        with pytest.raises(DatabaseInUse):
            WriterLock.acquire(db.parent / "." / db.name, user="alice")
    finally:
        first.release()


@needs_posix
def test_a_symlink_to_the_database_shares_its_lock(db, tmp_path):
    db.touch()
    link = tmp_path / "link.db"
    link.symlink_to(db)
    with WriterLock.acquire(link, user="alice") as lock:
        assert lock.lock_path == lock_path_for(db)
        with pytest.raises(DatabaseInUse):
            WriterLock.acquire(db, user="bob")


def test_open_and_close_repeatedly(db):
    for i in range(50):
        lock = WriterLock.acquire(db, user=f"user{i}")
        assert not lock.was_stale and lock.held
        assert holder(db)["user"] == f"user{i}"
        lock.release()
        lock.release()  # twice is harmless
        assert not lock.held
        assert holder(db) is None
    assert not lock_path_for(db).exists()


def test_threads_race_and_exactly_one_wins(db):
    results: list[object] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(WriterLock.acquire(db, user="t"))
        except DatabaseInUse as exc:
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    locks = [r for r in results if isinstance(r, WriterLock)]
    assert len(locks) == 1 and len(results) == 8
    locks[0].release()


def test_processes_race_and_exactly_one_wins(db):
    procs = [subprocess.Popen([sys.executable, "-c", TRY + "\nimport time; time.sleep(2)",
                               str(db)], stdout=subprocess.PIPE, text=True, env=_env(),
                              cwd=ROOT) for _ in range(6)]
    outcomes = [json.loads(p.communicate(timeout=60)[0])["code"] for p in procs]
    assert outcomes.count("taken") == 1, outcomes
    assert outcomes.count("E_IN_USE") == 5, outcomes


def test_unreadable_holder_still_refuses(db, other, monkeypatch):
    other(user="alice")
    lock_path_for(db).write_bytes(b"")  # e.g. caught between create and write
    monkeypatch.setattr(writer_lock.time, "sleep", lambda s: None)
    with pytest.raises(DatabaseInUse) as info:
        WriterLock.acquire(db, user="bob")
    assert info.value.holder["user"] is None
    assert "who has it open could not be read" in info.value.user_message()
    assert holder(db) == dict.fromkeys(("pid", "host", "user", "app", "since"))


def test_garbage_in_a_stale_lock_file_is_stale_without_previous(db):
    lock_path_for(db).write_bytes(b"\x00\xffnot json")
    with WriterLock.acquire(db, user="bob") as lock:
        assert lock.was_stale and lock.previous is None


def test_lock_file_cannot_be_created(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "skilldesk.db").touch()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: the folder stays writable")
        with pytest.raises(StorageError) as info:
            WriterLock.acquire(folder / "skilldesk.db", user="bob")
        assert not isinstance(info.value, DatabaseInUse)
        assert "Open the database read-only" in info.value.user_message()
    finally:
        folder.chmod(0o700)


def test_lock_file_refused_by_the_os(db, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(writer_lock, "_open_lock_file", refuse)
    with pytest.raises(StorageError) as info:
        WriterLock.acquire(db, user="bob")
    assert info.value.code == "E_STORAGE" and "Permission denied" in info.value.detail
    assert str(lock_path_for(db)) in info.value.user_message()
    assert str(db.resolve()) not in writer_lock._HELD   # (other tests may hold theirs)


def test_read_only_open_works_while_another_process_writes(db, other):
    open_database(db, create=True).conn.close()
    alice = other(user="alice")
    reader = open_database(db, readonly=True)  # read-only opens never take the lock
    try:
        assert "person" in reader.table_names()
        assert holder(db)["user"] == "alice"
    finally:
        reader.conn.close()
    alice.kill()


@needs_posix
def test_forked_child_neither_keeps_nor_drops_the_lock(db):
    lock = WriterLock.acquire(db, user="alice")
    try:
        pid = os.fork()
        if pid == 0:  # the child's exit handler must not release the parent's lock
            forgot = not writer_lock._HELD and not lock.held
            writer_lock._release_all()
            os._exit(0 if forgot else 1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert lock.held and holder(db)["user"] == "alice"
        out = subprocess.run([sys.executable, "-c", TRY, str(db)], capture_output=True,
                             text=True, env=_env(), cwd=ROOT, timeout=30, check=True)
        assert json.loads(out.stdout)["code"] == "E_IN_USE"
    finally:
        lock.release()
