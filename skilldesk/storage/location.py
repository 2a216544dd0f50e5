"""Where a database may live: network drives are refused, cloud-sync folders warned about.

SQLite's file locks (and the shared memory of WAL mode) are unreliable over
network file systems: two PCs writing to one file on a share can corrupt it
(https://www.sqlite.org/useovernet.html, https://www.sqlite.org/wal.html).
``check_location`` is called before a database is opened or created:

- UNC paths (``\\\\server\\share``, ``//server/share``, ``\\\\?\\UNC\\server\\share``)
  are refused on every platform (on POSIX only the backslash forms, because
  ``//x/y`` is an ordinary local path there);
- on Windows, the volume of the path (``GetVolumePathNameW``, falling back to the
  drive root) is refused when ``GetDriveTypeW`` reports ``DRIVE_REMOTE``; this also
  catches mapped drive letters, which SQLite's own UNC test misses;
- on Linux, the mount holding the path (longest mount point in
  ``/proc/self/mounts`` after resolving symlinks) is refused when its file system
  type is a network one (NFS, SMB/CIFS, 9p, sshfs, ...).

Cloud-sync folders (OneDrive, Dropbox, 坚果云, 百度网盘, iCloud, Google Drive) are
local disks that another program rewrites behind SQLite's back; they get a
warning (``cloud_folder_warning``), not a refusal.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from skilldesk.errors import StorageError
from skilldesk.i18n import N_
from skilldesk.i18n import _

DRIVE_REMOTE = 4  # GetDriveTypeW: a remote (network) drive
PROC_MOUNTS = "/proc/self/mounts"

NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb", "9p", "afs", "ceph", "glusterfs",
    "davfs", "coda", "ncpfs", "lustre", "gpfs", "beegfs", "orangefs",
    "fuse.sshfs", "fuse.rclone", "fuse.glusterfs", "fuse.ceph-fuse", "fuse.s3fs",
    "fuse.davfs2", "fuse.gvfsd-fuse", "fuse.smbnetfs",
})

REFUSED_MSGID = N_(
    "The database {path} is on a network drive or shared folder, where SkillDesk does not "
    "open databases: SQLite's locking is unreliable over network file systems, and a second "
    "PC writing at the same time can corrupt the file. Copy the database to this PC's own "
    "disk, or use sync bundles to work together with other PCs."
)

CLOUD_WARNING_MSGID = N_(
    "The database {path} is in a {service} folder. Cloud sync can upload a half-written copy "
    "or replace the file with another PC's version while SkillDesk has it open, which can lose "
    "or damage records. Keep the database on this PC's disk outside the sync folder, and use "
    "backups and sync bundles for other PCs."
)


class LocationRefused(StorageError):
    """The database is on a network drive, share or network file system."""

    code = "E_NETWORK_DRIVE"
    default_msgid = REFUSED_MSGID

    def __init__(self, path: str, *, reason: str, detail: str | None = None):
        super().__init__(path=path, detail=detail)
        self.reason = reason  # "unc" | "drive_remote" | "network_fs"


# --- UNC ---------------------------------------------------------------------------------

_NETWORK_DEVICE_PREFIXES = ("UNC\\", "GLOBALROOT\\DEVICE\\MUP\\",
                            "GLOBALROOT\\DEVICE\\LANMANREDIRECTOR\\")


def is_unc_path(path: str) -> bool:
    """True for a Windows network path: ``\\\\server\\share``, ``//server/share``,
    ``\\\\?\\UNC\\...``, ``\\\\.\\UNC\\...`` (either slash). ``\\\\?\\C:\\...`` is local."""
    text = path.replace("/", "\\")
    if not text.startswith("\\\\"):
        return False
    rest = text[2:]
    if rest[:2] in ("?\\", ".\\"):  # a device path: local unless it names the redirector
        return rest[2:].upper().startswith(_NETWORK_DEVICE_PREFIXES)
    return True


# --- Windows: GetDriveTypeW ----------------------------------------------------------------


def _kernel32():  # pragma: no cover - replaced by a fake in tests; real only on Windows
    import ctypes

    return ctypes.windll.kernel32  # type: ignore[attr-defined]


def _volume_root(path: str) -> str | None:
    """The volume mount point holding *path* (``X:\\``, a mounted folder, ``\\\\?\\Volume{}``);
    None = the current drive (what GetDriveTypeW(NULL) reports)."""
    import ctypes

    buffer = ctypes.create_unicode_buffer(1024)
    try:
        if _kernel32().GetVolumePathNameW(path, buffer, len(buffer)) and buffer.value:
            return buffer.value
    except (AttributeError, OSError):
        pass
    text = path.replace("/", "\\")
    if text.startswith(("\\\\?\\", "\\\\.\\")):
        text = text[4:]
    if re.match(r"[A-Za-z]:", text):
        return text[:2].upper() + "\\"
    return None


def drive_type(root: str | None) -> int:
    """``GetDriveTypeW(root)``: 3 fixed, 2 removable, 4 remote, 5 CD-ROM, 6 RAM disk."""
    return int(_kernel32().GetDriveTypeW(root))


def _check_windows(path: str) -> None:
    if is_unc_path(path):
        raise LocationRefused(path, reason="unc", detail="UNC path")
    if os.name == "nt":  # pragma: no cover - Windows only
        try:
            real = os.path.realpath(path)  # a symlink to a share becomes \\server\share
        except (OSError, ValueError):
            real = path
        if is_unc_path(real):
            raise LocationRefused(path, reason="unc", detail=f"UNC path after links: {real}")
        path = real
    root = _volume_root(path)
    kind = drive_type(root)
    if kind == DRIVE_REMOTE:
        raise LocationRefused(path, reason="drive_remote",
                              detail=f"GetDriveTypeW({root!r}) = DRIVE_REMOTE")


# --- Linux: /proc/self/mounts ----------------------------------------------------------------

_OCTAL = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def read_mounts(mounts: str | os.PathLike[str] = PROC_MOUNTS) -> list[tuple[str, str, str]]:
    """``(mount point, fs type, source)`` per line of a mounts file, in file order."""
    entries = []
    with open(mounts, encoding="utf-8", errors="surrogateescape") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) >= 3:
                entries.append((_unescape(fields[1]), fields[2], _unescape(fields[0])))
    return entries


def mount_of(path: str | os.PathLike[str],
             mounts: str | os.PathLike[str] = PROC_MOUNTS) -> tuple[str, str, str] | None:
    """The mount holding *path* (resolved): the longest mount point that is a whole-component
    prefix of it; of equal ones the last (a later mount hides an earlier one)."""
    real = Path(path).resolve()
    best: tuple[str, str, str] | None = None
    for entry in read_mounts(mounts):
        point = Path(entry[0])
        if real == point or point in real.parents:
            if best is None or len(point.parts) >= len(Path(best[0]).parts):
                best = entry
    return best


def is_network_fs(fstype: str) -> bool:
    kind = fstype.lower()
    return kind in NETWORK_FS_TYPES or kind.startswith("nfs")


def _check_posix(path: str, mounts: str | os.PathLike[str]) -> None:
    if path.startswith("\\\\"):  # a Windows share pasted on Linux
        raise LocationRefused(path, reason="unc", detail="UNC path")
    try:
        entry = mount_of(path, mounts)
    except OSError:
        return  # no mount table (not Linux): nothing to verify
    if entry is not None and is_network_fs(entry[1]):
        point, fstype, source = entry
        raise LocationRefused(path, reason="network_fs",
                              detail=f"mount {point} type {fstype} from {source}")


# --- the API ------------------------------------------------------------------------------


def check_location(path: str | os.PathLike[str], *, platform: str | None = None,
                   mounts: str | os.PathLike[str] = PROC_MOUNTS) -> None:
    """Raise ``LocationRefused`` when the database *path* is on a network location.

    *platform* (default ``sys.platform``) and *mounts* (the mounts file) exist for
    tests. The file need not exist yet (``create``): its folder decides.
    """
    text = os.fspath(path)
    if (platform or sys.platform) == "win32":
        _check_windows(text)
    else:
        _check_posix(text, mounts)


CLOUD_FOLDERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("OneDrive", ("onedrive",)),
    ("Dropbox", ("dropbox",)),
    ("坚果云 (Nutstore)", ("坚果云", "我的坚果云", "nutstore", "nutstore files")),
    ("百度网盘 (Baidu Netdisk)", ("百度网盘", "百度网盘同步空间", "baidunetdisk",
                               "baidunetdiskworkspace", "baidusyncdisk")),
    ("iCloud Drive", ("iclouddrive", "icloud drive")),
    ("Google Drive", ("google drive", "googledrive")),
)


def cloud_service(path: str | os.PathLike[str]) -> str | None:
    """The cloud-sync service whose folder holds *path* (by folder name), else None.

    A folder matches by name, case-insensitively, also with a suffix after a space
    ("OneDrive - Contoso", "Dropbox (Personal)").
    """
    text = os.fspath(path)
    candidates = [text]
    try:
        candidates.append(str(Path(text).resolve()))  # a link into a sync folder
    except (OSError, RuntimeError):
        pass
    for candidate in candidates:
        for part in re.split(r"[\\/]+", candidate)[:-1]:  # the folders, not the file name
            folder = part.casefold().strip()
            for service, names in CLOUD_FOLDERS:
                if any(folder == n or folder.startswith(n + " ") for n in names):
                    return service
    return None


def cloud_folder_warning(path: str | os.PathLike[str]) -> str | None:
    """A warning (in the current language) when *path* is in a cloud-sync folder."""
    service = cloud_service(path)
    if service is None:
        return None
    return _(CLOUD_WARNING_MSGID).format(path=os.fspath(path), service=service)
