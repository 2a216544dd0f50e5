"""Make the screenshots of the user guide (docs/user-guide.md) from scratch.

    python tools/guide_screenshots.py [--out docs/images/guide] [--keep]

In a temporary SKILLDESK_HOME it creates the demo institution the way ``skilldesk --demo``
does, then runs the real steps the guide describes through ``skilldesk-cli`` so that the
pictures show real state: the institution's signing key and the bureau's key registry, a
claim made, signed into a ``.tsclaim``, submitted and decided, a field laptop paired with
the office with bundles exchanged both ways and one conflict, a backup. Each picture is
``skilldesk --screenshot … --lang zh_CN [--view …]`` (``skilldesk/ui/screenshot_views.py``)
at the window's fixed size (1280×800), written to ``OUT/NN-name.png`` and reduced to a
128-colour palette (Pillow, which reportlab brings) so the set stays small.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-admin"                  # the demo administrator (README)
KEY_PASSPHRASE = "guide-screenshots-2026"
TIMEOUT = 180

# a person's phone changed on the laptop and in the office before they synchronise
EDIT_PHONE = """
import dataclasses, sys
from skilldesk.core.desk import Desk
from skilldesk.core.people import draft_from
path, user, password, phone, id_number = sys.argv[1:6]
desk = Desk.open(path, user=user or None, password=password or None)
if not user:
    desk.user_name = "field"   # a laptop without accounts
person = next(p for p in desk.people.search(id_number).rows)
desk.people.save(dataclasses.replace(draft_from(desk.people.get(person.id)), phone=phone),
                 person_id=person.id)
desk.close()
"""
# two inspections of a class in training, as 过程检查 → 登记过程检查… records them
INSPECT = """
import sys
from skilldesk.core.desk import Desk
path, password, code, day1, day2 = sys.argv[1:6]
desk = Desk.open(path, user="admin", password=password)
class_id = desk.classes.id_for_code(code)
desk.outcomes.save_inspection(class_id, date=day1, inspector="姑苏区人社局 陈科长",
                              method="on_site", result="合格",
                              findings="到场核对签到表与花名册一致，实操课按计划进行。")
desk.outcomes.save_inspection(class_id, date=day2, inspector="姑苏区人社局 刘老师",
                              method="video", result="合格",
                              findings="视频抽查理论课，在场人数与签到一致。")
desk.close()
"""
CLI = "import sys; from skilldesk.cli import main; sys.exit(main())"


class Run:
    def __init__(self, work: Path, out: Path) -> None:
        self.work = work
        self.out = out
        self.home = work / "SkillDesk"
        self.db = self.home / "demo.skilldesk"
        self.env = dict(os.environ, SKILLDESK_HOME=str(self.home),
                        SKILLDESK_PASSWORD=PASSWORD,
                        SKILLDESK_KEY_PASSPHRASE=KEY_PASSPHRASE,
                        QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        self.env.pop("SKILLDESK_NO_AUTO_BACKUP", None)
        self.shots: list[Path] = []

    # -- running the two programs ------------------------------------------------------

    def _run(self, argv: list[str], what: str) -> str:
        result = subprocess.run(argv, cwd=self.work, env=self.env, capture_output=True,
                                text=True, timeout=TIMEOUT)
        if result.returncode != 0:
            sys.exit(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def cli(self, *args: str, db: Path | None = None, user: str | None = "admin") -> str:
        argv = [sys.executable, "-c", CLI, "--db", str(db or self.db)]
        if user:
            argv += ["--user", user]
        return self._run(argv + list(args), "skilldesk-cli " + " ".join(args))

    def cli_json(self, *args: str, **kwargs) -> dict:
        return json.loads(self.cli("--json", *args, **kwargs))

    def shot(self, name: str, page: str = "dashboard", view: str | None = None) -> Path:
        target = self.out / f"{len(self.shots) + 1:02d}-{name}.png"
        argv = [sys.executable, "-m", "skilldesk", "--db", str(self.db), "--user", "admin",
                "--lang", "zh_CN", "--page", page, "--screenshot", str(target)]
        if view:
            argv += ["--view", view]
        started = time.monotonic()
        self._run(argv, f"screenshot {target.name}")
        shrink(target)
        self.shots.append(target)
        print(f"  {target.name:32} {target.stat().st_size // 1024:4} KB "
              f"{time.monotonic() - started:4.1f} s", flush=True)
        return target

    # -- the year the guide walks through --------------------------------------------------

    def make(self) -> None:
        print("demo institution…", flush=True)
        first = self.work / "first.png"
        self._run([sys.executable, "-m", "skilldesk", "--demo", "--lang", "zh_CN",
                   "--screenshot", str(first)], "skilldesk --demo")
        classes = {state: self.cli_json("class", "list", "--state", state)["classes"]
                   for state in ("draft", "filed", "in_training", "completed", "assessed",
                                 "paid")}
        assessed = [c["code"] for c in classes["assessed"]]

        print("screenshots:", flush=True)
        self.shot("setup", view="setup")
        self.shot("recovery-key", view="recovery")
        self.shot("login", view="login:admin")
        self.shot("accounts", page="settings", view="users")
        self.shot("dashboard")
        self.shot("people", page="people")
        self.shot("classes", page="classes")
        self.shot("new-class", page="classes", view="new_class")
        self.shot("class-draft", view=f"class:{classes['draft'][0]['code']}:basic")
        self.shot("class-filed", view=f"class:{classes['filed'][0]['code']}:basic")
        training = classes["in_training"][0]
        start = dt.date.fromisoformat(training["start_date"])
        self._run([sys.executable, "-c", INSPECT, str(self.db), PASSWORD, training["code"],
                   str(start + dt.timedelta(days=1)), str(start + dt.timedelta(days=3))],
                  "inspections")
        training = training["code"]
        self.shot("class-roster", view=f"class:{training}:roster")
        self.shot("class-sessions", view=f"class:{training}:sessions")
        self.shot("class-inspections", view=f"class:{training}:inspections")
        self.shot("class-results", view=f"class:{assessed[0]}:results")
        self.shot("class-subsidy", view=f"class:{assessed[0]}:subsidy")
        self.shot("class-followup", view=f"class:{classes['paid'][0]['code']}:followup")

        # the claim: key, draft, signature, submission, the bureau's check and decision
        usb = self.work / "U盘"
        registry = self.work / "人社局公钥登记库"
        usb.mkdir()
        registry.mkdir()
        key = usb / "机构签名密钥.key"
        self.cli("keys", "generate", "--out", str(key))
        self.cli("keys", "export-public", str(key), "--out", str(registry / "示范学校.json"))
        self.shot("new-claim", page="claims", view="new_claim")
        claim = self.cli_json("claim", "create", "--class", assessed[0], "--class", assessed[1])
        number = claim["claim_no"]
        self.shot("claim-draft", page="claims", view=f"claim:{number}")
        self.shot("claim-sign", page="claims",
                  view=f"sign:{number}{os.pathsep}{key.relative_to(self.work)}")
        package = usb / f"{number}-v1.tsclaim"
        self.cli("claim", "sign", number, "--key", str(key), "--out", str(package))
        self.cli("claim", "submit", number)
        self.shot("claim-signed", page="claims", view=f"claim:{number}")
        self.shot("review", page="claims", view=f"review:{package.relative_to(self.work)}"
                  f"{os.pathsep}{registry.relative_to(self.work)}")
        decision = self.work / "审核结果.csv"
        write_decision(decision, claim["lines"])
        self.cli("claim", "decision", number, str(decision))
        self.shot("claim-decided", page="claims", view=f"claim:{number}")

        # a field laptop: paired, a bundle each way, a conflict
        office_pair = self.work / "办公室电脑.pair"
        laptop_pair = self.work / "吴江外勤笔记本.pair"
        laptop = self.work / "吴江外勤笔记本.skilldesk"
        self.cli("sync", "device", "--name", "办公室电脑", "--role", "office",
                 "--pairing-file", str(office_pair))
        self.cli("sync", "device", "--name", "吴江外勤笔记本", "--role", "laptop",
                 "--pairing-file", str(laptop_pair), db=laptop, user=None)
        self.cli("sync", "pair", str(laptop_pair), "--yes")
        self.cli("sync", "pair", str(office_pair), "--yes", db=laptop, user=None)
        devices = self.cli_json("sync", "devices")["devices"]
        laptop_id = next(d["device_id"] for d in devices if not d["is_self"])
        office_id = next(d["device_id"] for d in self.cli_json(
            "sync", "devices", db=laptop, user=None)["devices"] if not d["is_self"])
        to_laptop, to_office = self.work / "到笔记本", self.work / "到办公室"
        to_laptop.mkdir()
        to_office.mkdir()
        self.cli("sync", "export", "--to", laptop_id, "--out", str(to_laptop))
        self.cli("sync", "import", str(next(to_laptop.iterdir())), "--receipt-out",
                 str(to_office), db=laptop, user=None)
        id_number = claim["lines"][0]["id_number"]
        self._run([sys.executable, "-c", EDIT_PHONE, str(laptop), "", "", "13912345678",
                   id_number], "an edit on the laptop")
        self._run([sys.executable, "-c", EDIT_PHONE, str(self.db), "admin", PASSWORD,
                   "13887654321", id_number], "an edit in the office")
        self.cli("sync", "export", "--to", office_id, "--out", str(to_office), db=laptop,
                 user=None)
        for bundle in sorted(to_office.iterdir()):   # the receipt first, then the data
            self.cli("sync", "import", str(bundle))
        self.shot("sync-devices", page="sync", view="sync:devices")
        self.shot("sync-conflicts", page="sync", view="sync:conflicts")
        self.shot("sync-history", page="sync", view="sync:history")

        # looking after the data
        self.cli("backup", "create")
        self.shot("audit", page="audit", view="audit:verify")
        self.shot("policy", page="policy")
        self.shot("settings-language", page="settings", view="settings:end")
        self.shot("backups", page="settings", view="backups")
        self.shot("shortcuts", view="shortcuts")


def write_decision(path: Path, lines: list[dict]) -> None:
    """The bureau's decision: every line approved but the last, rejected with a reason."""
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["证件号码", "姓名", "审核结果", "核准金额", "驳回原因"])
        for n, line in enumerate(lines):
            last = n == len(lines) - 1
            writer.writerow([line["id_number"], line["name"], "驳回" if last else "核准",
                             "0" if last else f"{line['amount_fen'] / 100:.2f}",
                             "社保缴费记录与申报不符" if last else ""])


def shrink(path: Path) -> None:
    """A 128-colour palette: a screenshot keeps its look at a third of the size."""
    try:
        from PIL import Image
    except ImportError:   # larger files, same pictures
        return
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                                                dither=Image.Dither.NONE)
    reduced.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "guide")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (printed) to look at the data")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("[0-9][0-9]-*.png"):
        old.unlink()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="skilldesk-guide-"))
    try:
        run = Run(work, out)
        run.make()
    finally:
        if args.keep:
            print(f"data kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = sum(p.stat().st_size for p in run.shots)
    print(f"{len(run.shots)} pictures in {out}, {total / 1e6:.1f} MB, "
          f"{time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
