"""G12, refused locations: UNC paths, DRIVE_REMOTE drives (mocked GetDriveTypeW), network
mounts (a fake /proc/self/mounts); cloud-sync folders only warned about."""

from __future__ import annotations

import ctypes
import sys

import pytest

from skilldesk import i18n
from skilldesk.errors import StorageError
from skilldesk.storage import location
from skilldesk.storage.location import LocationRefused
from skilldesk.storage.location import check_location
from skilldesk.storage.location import cloud_folder_warning
from skilldesk.storage.location import cloud_service
from skilldesk.storage.location import is_unc_path

UNC_PATHS = [
    r"\\server\share\skilldesk.db",
    r"\\server\share",
    r"\\192.168.1.20\培训\data\skilldesk.db",
    "//server/share/skilldesk.db",
    "//server/share",
    r"\/server/share\mixed.db",
    r"\\?\UNC\server\share\skilldesk.db",
    r"\\?\unc\server\share\skilldesk.db",
    "//?/UNC/server/share/skilldesk.db",
    r"\\.\UNC\server\share\skilldesk.db",
    r"\\?\GLOBALROOT\Device\Mup\server\share\skilldesk.db",
    r"\\?\GLOBALROOT\Device\LanmanRedirector\server\share\x.db",
    r"\\wsl$\Ubuntu\home\me\skilldesk.db",
    r"\\server@SSL\DavWWWRoot\skilldesk.db",
]


class FakeKernel32:
    """GetDriveTypeW: X: and Y: are network drives, C: fixed, E: removable;
    D:\\Mounts\\Nas is a folder where a network volume is mounted."""

    TYPES = {"C:\\": 3, "D:\\": 3, "E:\\": 2, "X:\\": 4, "Y:\\": 4,
             "D:\\Mounts\\Nas\\": 4, "\\\\?\\Volume{1234}\\": 4}

    def __init__(self, volume_path_works: bool = True):
        self.asked: list[object] = []
        self.volume_path_works = volume_path_works

    def GetDriveTypeW(self, root):  # noqa: N802 - the Win32 name
        self.asked.append(root)
        if root is None:
            return 3  # the current directory's drive
        return self.TYPES.get(root.upper() if len(root) == 3 else root, 1)

    def GetVolumePathNameW(self, path, buffer, size):  # noqa: N802
        if not self.volume_path_works:
            return 0
        text = path.replace("/", "\\")
        if text.lower().startswith("d:\\mounts\\nas\\"):
            buffer.value = "D:\\Mounts\\Nas\\"
        elif text.startswith("\\\\?\\Volume{"):
            buffer.value = text[: text.index("}") + 1] + "\\"
        elif len(text) >= 2 and text[1] == ":":
            buffer.value = text[0].upper() + ":\\"
        elif text.startswith("\\\\?\\") and text[5] == ":":
            buffer.value = text[4].upper() + ":\\"
        else:
            return 0
        assert size == len(buffer)
        return 1


@pytest.fixture
def kernel32(monkeypatch):
    fake = FakeKernel32()
    monkeypatch.setattr(location, "_kernel32", lambda: fake)
    return fake


def _windows(path: str) -> None:
    check_location(path, platform="win32")


# --- UNC ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", UNC_PATHS)
def test_unc_paths_are_refused_on_windows(path, kernel32):
    with pytest.raises(LocationRefused) as info:
        _windows(path)
    assert info.value.code == "E_NETWORK_DRIVE"
    assert info.value.reason == "unc"
    assert kernel32.asked == []  # refused on the text alone


@pytest.mark.parametrize("path", [p for p in UNC_PATHS if p.startswith("\\\\")])
def test_backslash_unc_paths_are_refused_on_linux(path, tmp_path):
    with pytest.raises(LocationRefused):
        check_location(path, platform="linux", mounts=_mounts(tmp_path, "/ ext4"))


@pytest.mark.parametrize("path", UNC_PATHS)
def test_is_unc_path(path):
    assert is_unc_path(path)


@pytest.mark.parametrize("path", [
    r"C:\Users\me\skilldesk.db", r"\\?\C:\Users\me\skilldesk.db", r"\\.\C:\x.db",
    "C:/Users/me/x.db", "relative.db", r"\rooted\x.db", "/home/me/x.db",
    r"\\?\Volume{abcd}\x.db",
])
def test_local_forms_are_not_unc(path):
    assert not is_unc_path(path)


def test_refusal_is_a_storage_error_and_explains(kernel32):
    with pytest.raises(StorageError) as info:
        _windows(r"\\nas\office\skilldesk.db")
    message = info.value.user_message()
    assert r"\\nas\office\skilldesk.db" in message
    assert "locking is unreliable over network file systems" in message
    assert "second PC" in message and "sync bundles" in message
    assert info.value.detail


def test_refusal_message_is_translated(kernel32):
    with pytest.raises(LocationRefused) as info:
        _windows(r"\\nas\office\skilldesk.db")
    i18n.set_language("zh_CN")
    text = info.value.user_message()
    assert r"\\nas\office\skilldesk.db" in text
    # until the catalogue is merged the English text is shown; never a broken format
    assert "{" not in text


# --- Windows drive types (mocked GetDriveTypeW) -------------------------------------------


@pytest.mark.parametrize("path", [
    r"X:\skilldesk.db", r"x:\data\培训\skilldesk.db", "X:/data/skilldesk.db",
    r"Y:\deep\folder\new.db", r"\\?\X:\long\path\skilldesk.db",
    r"D:\Mounts\Nas\skilldesk.db", r"\\?\Volume{1234}\skilldesk.db",
])
def test_remote_drives_are_refused(path, kernel32):
    with pytest.raises(LocationRefused) as info:
        _windows(path)
    assert info.value.reason == "drive_remote"
    assert "DRIVE_REMOTE" in info.value.detail


@pytest.mark.parametrize("path", [
    r"C:\Users\me\AppData\Roaming\SkillDesk\skilldesk.db", r"c:\x.db", "C:/x.db",
    r"D:\Data\skilldesk.db", r"E:\usb\skilldesk.db", r"\\?\C:\long\skilldesk.db",
    "relative.db",
])
def test_local_drives_are_accepted(path, kernel32):
    _windows(path)
    assert kernel32.asked  # the drive was really asked about


def test_drive_root_is_asked_when_volume_path_fails(monkeypatch):
    fake = FakeKernel32(volume_path_works=False)
    monkeypatch.setattr(location, "_kernel32", lambda: fake)
    with pytest.raises(LocationRefused):
        _windows(r"x:\folder\skilldesk.db")
    _windows(r"C:\folder\skilldesk.db")
    _windows("relative.db")
    assert fake.asked == ["X:\\", "C:\\", None]


def test_kernel32_without_volume_path_function_falls_back(monkeypatch):
    class Minimal:
        def GetDriveTypeW(self, root):  # noqa: N802
            return 4 if root == "X:\\" else 3

    monkeypatch.setattr(location, "_kernel32", lambda: Minimal())
    with pytest.raises(LocationRefused):
        _windows(r"X:\skilldesk.db")
    _windows(r"C:\skilldesk.db")


def test_fake_windll_through_ctypes(monkeypatch):
    """The default _kernel32 reads ctypes.windll.kernel32: a fake windll is enough."""
    fake = FakeKernel32()
    monkeypatch.setattr(ctypes, "windll", type("W", (), {"kernel32": fake})(), raising=False)
    with pytest.raises(LocationRefused):
        _windows(r"X:\skilldesk.db")
    _windows(r"C:\skilldesk.db")
    assert fake.asked == ["X:\\", "C:\\"]


# --- Linux mounts (a fake /proc/self/mounts) ----------------------------------------------

MOUNTS = """\
sysfs /sys sysfs rw,nosuid 0 0
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sda1 /boot/efi vfat rw 0 0
tmpfs /tmp tmpfs rw 0 0
nas:/export /mnt/nfs nfs rw,vers=3 0 0
nas:/export4 /mnt/nfs4 nfs4 rw 0 0
//nas/office /mnt/office cifs rw 0 0
//nas/smb3 /mnt/smb3 smb3 rw 0 0
//nas/old /mnt/smbfs smbfs rw 0 0
drvfs /mnt/c 9p rw 0 0
me@host:/data /home/me/remote fuse.sshfs rw 0 0
afs /afs afs rw 0 0
10.0.0.1:/ /mnt/ceph ceph rw 0 0
gl:/vol /mnt/gluster glusterfs rw 0 0
https://dav.example/ /mnt/dav davfs rw 0 0
remote: /home/me/rclone fuse.rclone rw 0 0
/dev/sdb1 /mnt/nfs/local-inside ext4 rw 0 0
/dev/sdc1 /mnt/nfs-not ext4 rw 0 0
nas:/sp /mnt/with\\040space nfs rw 0 0
/dev/sdd1 /media/me/USB vfat rw 0 0
"""

NETWORK_MOUNTED = [
    ("/mnt/nfs/skilldesk.db", "nfs"), ("/mnt/nfs4/a/b/skilldesk.db", "nfs4"),
    ("/mnt/office/skilldesk.db", "cifs"), ("/mnt/smb3/skilldesk.db", "smb3"),
    ("/mnt/smbfs/x.db", "smbfs"), ("/mnt/c/Users/me/x.db", "9p"),
    ("/home/me/remote/x.db", "fuse.sshfs"), ("/afs/cell/x.db", "afs"),
    ("/mnt/ceph/x.db", "ceph"), ("/mnt/gluster/x.db", "glusterfs"),
    ("/mnt/dav/x.db", "davfs"), ("/home/me/rclone/x.db", "fuse.rclone"),
    ("/mnt/with space/x.db", "nfs"), ("/mnt/nfs", "nfs"),
]


def _mounts(tmp_path, text: str = MOUNTS):
    file = tmp_path / "mounts"
    file.write_text(text if text.endswith("\n") else text + " rw 0 0\n", encoding="utf-8")
    return file


@pytest.mark.parametrize(("path", "fstype"), NETWORK_MOUNTED)
def test_network_mounts_are_refused(path, fstype, tmp_path):
    with pytest.raises(LocationRefused) as info:
        check_location(path, platform="linux", mounts=_mounts(tmp_path))
    assert info.value.reason == "network_fs"
    assert f"type {fstype} " in info.value.detail


@pytest.mark.parametrize("path", [
    "/home/me/.local/share/SkillDesk/skilldesk.db", "/tmp/x.db", "/boot/efi/x.db",
    "/mnt/nfs/local-inside/x.db",  # a local disk mounted inside the share: the longer wins
    "/mnt/nfs-not/x.db",           # a prefix by text, not by folder
    "/media/me/USB/skilldesk.db",
])
def test_local_mounts_are_accepted(path, tmp_path):
    check_location(path, platform="linux", mounts=_mounts(tmp_path))


def test_symlink_into_a_network_mount_is_resolved(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    link = tmp_path / "home" / "db-link"
    link.parent.mkdir()
    link.symlink_to(share)
    mounts = _mounts(tmp_path, f"/dev/sda2 / ext4 rw 0 0\nnas:/x {share} nfs4 rw 0 0\n")
    with pytest.raises(LocationRefused):
        check_location(link / "skilldesk.db", platform="linux", mounts=mounts)
    check_location(tmp_path / "home" / "skilldesk.db", platform="linux", mounts=mounts)


def test_a_later_mount_hides_an_earlier_one(tmp_path):
    over = _mounts(tmp_path, "/dev/sda2 / ext4 rw 0 0\nnas:/x /data nfs rw 0 0\n"
                             "/dev/sdb1 /data ext4 rw 0 0\n")
    check_location("/data/x.db", platform="linux", mounts=over)
    under = _mounts(tmp_path, "/dev/sda2 / ext4 rw 0 0\n/dev/sdb1 /data ext4 rw 0 0\n"
                              "nas:/x /data nfs rw 0 0\n")
    with pytest.raises(LocationRefused):
        check_location("/data/x.db", platform="linux", mounts=under)


def test_missing_mount_table_accepts(tmp_path):
    check_location("/home/me/x.db", platform="linux", mounts=tmp_path / "absent")


def test_double_slash_on_linux_is_a_local_path(tmp_path):
    check_location("//home/me/x.db", platform="linux", mounts=_mounts(tmp_path))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc/self/mounts")
def test_real_mount_table_accepts_the_test_folder(tmp_path):
    mount = location.mount_of(tmp_path)
    if mount is not None and location.is_network_fs(mount[1]):
        pytest.skip("the test folder itself is on a network file system")
    check_location(tmp_path / "skilldesk.db")


# --- cloud-sync folders: a warning, never a refusal ----------------------------------------


@pytest.mark.parametrize(("path", "service"), [
    (r"C:\Users\me\OneDrive\文档\skilldesk.db", "OneDrive"),
    (r"C:\Users\me\OneDrive - Contoso Ltd\skilldesk.db", "OneDrive"),
    (r"C:\Users\me\onedrive\x.db", "OneDrive"),
    ("/home/me/Dropbox/skilldesk.db", "Dropbox"),
    (r"D:\Dropbox (Personal)\x.db", "Dropbox"),
    (r"C:\Users\me\Nutstore\x.db", "坚果云 (Nutstore)"),
    (r"C:\Users\me\Nutstore Files\我的坚果云\x.db", "坚果云 (Nutstore)"),
    (r"D:\坚果云\培训\x.db", "坚果云 (Nutstore)"),
    (r"D:\百度网盘\x.db", "百度网盘 (Baidu Netdisk)"),
    (r"D:\BaiduNetdiskWorkspace\x.db", "百度网盘 (Baidu Netdisk)"),
    (r"D:\BaiduSyncdisk\x.db", "百度网盘 (Baidu Netdisk)"),
    (r"C:\Users\me\iCloudDrive\x.db", "iCloud Drive"),
    (r"G:\Google Drive\x.db", "Google Drive"),
    (r"C:\Users\me\GoogleDrive\x.db", "Google Drive"),
])
def test_cloud_folders_are_warned_about(path, service, kernel32):
    assert cloud_service(path) == service
    warning = cloud_folder_warning(path)
    assert warning is not None and service in warning and path in warning
    _windows(path)  # a warning, not a refusal


@pytest.mark.parametrize("path", [
    r"C:\Users\me\Documents\skilldesk.db", r"C:\Users\me\OneDrive.db",
    r"C:\Users\me\MyDropboxNotes\x.db", "/home/me/skilldesk.db", "skilldesk.db",
])
def test_other_folders_get_no_warning(path):
    assert cloud_folder_warning(path) is None


def test_symlink_into_a_cloud_folder_is_warned_about(tmp_path):
    cloud = tmp_path / "Dropbox"
    cloud.mkdir()
    (tmp_path / "link").symlink_to(cloud)
    assert cloud_service(tmp_path / "link" / "x.db") == "Dropbox"
