"""People of the demo institution (``core.demo``): employers, then people
with their categories, written in chunks of ``PERSON_CHUNK``.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array

from skilldesk.core import demo_names as names
from skilldesk.core.demo_base import _BuilderBase
from skilldesk.core.demo_base import _Weighted
from skilldesk.core.demo_base import _add_years
from skilldesk.core.demo_reference import BANKS
from skilldesk.core.demo_reference import LABEL_PEOPLE
from skilldesk.core.demo_reference import PEOPLE_IMPORTED_SHARE
from skilldesk.core.demo_reference import PERSON_CHUNK
from skilldesk.core.models import PERSON_CATEGORIES
from skilldesk.rules.identifiers import id_check_char
from skilldesk.storage import bulk


class _PeopleBuilder(_BuilderBase):
    """Employers and people: the pool that class rosters are drawn from."""

    # -- employers ---------------------------------------------------------------

    def employers(self) -> None:
        rng = self.rng
        # Capped well below the ~350,000 distinct names the pools can form.
        count = min(20000, max(30, self.n_people // 200))
        seen: set[str] = set()
        self.employer_list: list[tuple[str, str]] = []
        while len(self.employer_list) < count:
            place, region = rng.choice(names.EMPLOYER_PLACES)
            brand = "".join(rng.sample(names.EMPLOYER_BRAND_CHARS, 2))
            trade = rng.choice(names.EMPLOYER_TRADES)
            name = place + brand + trade + rng.choice(names.EMPLOYER_FORMS)
            if name in seen:
                continue
            seen.add(name)
            self.employer_list.append((name, self.uscc("91", region)))

    # -- people ----------------------------------------------------------------

    def people(self) -> None:
        rng = self.rng
        n = self.n_people
        today = self.today
        lo = _add_years(today, -63).toordinal() + 1  # youngest 17, oldest 62 today
        hi = _add_years(today, -17).toordinal()
        mode = _add_years(today, -33).toordinal()
        year_1975 = dt.date(1975, 1, 1).toordinal()
        year_1995 = dt.date(1995, 1, 1).toordinal()
        suzhou = _Weighted(list(names.SUZHOU_WEIGHTS), list(names.SUZHOU_WEIGHTS.values()))
        migrant = _Weighted([(c, p) for c, p, _w in names.MIGRANT_ORIGINS],
                            [w for _c, _p, w in names.MIGRANT_ORIGINS])
        cat_keys = list(PERSON_CATEGORIES)
        self.cat_keys = cat_keys
        cat_local = _Weighted(list(names.CATEGORY_WEIGHTS_LOCAL),
                              list(names.CATEGORY_WEIGHTS_LOCAL.values()))
        cat_migrant = _Weighted(list(names.CATEGORY_WEIGHTS_MIGRANT),
                                list(names.CATEGORY_WEIGHTS_MIGRANT.values()))
        edu = [names.EDUCATION_WEIGHTS_OLD, names.EDUCATION_WEIGHTS_MID,
               names.EDUCATION_WEIGHTS_YOUNG]
        edu_pick = [_Weighted(names.EDUCATIONS, w) for w in edu]
        n_employers = len(self.employer_list)
        device = self.device
        uid = self.uid
        ts = self.ts

        # Creation times: a first roster import on the opening day, then
        # registrations spread over office hours of every later day, so that
        # created_at grows with seq.
        imported = math.ceil(n * PEOPLE_IMPORTED_SHARE)
        later = n - imported
        days = self.today_ord - 1 - self.opened_ord
        self.imported, self.later, self.later_days = imported, later, days
        import_start = self._ms(self.opened_ord, 9 * 3600)
        import_step = 8 * 3600 * 1000 / max(1, imported)
        office_ms = 8 * 3600 * 1000

        self.person_ids: list[str] = []
        self.birth = array("l")
        self.first_cat = array("b")
        self.employer_of = array("l")
        seen_ids: set[str] = set()
        recent_phones: list[str] = []
        done = 0
        while done < n:
            stop = min(n, done + PERSON_CHUNK)
            person_rows = []
            category_rows = []
            for i in range(done, stop):
                if i < imported:
                    created = import_start + int(i * import_step)
                else:
                    pos = (i - imported) * days / later
                    day = int(pos)
                    created = self._ms(self.opened_ord + 1 + day, 9 * 3600) + int(
                        (pos - day) * office_ms)
                stamp = ts(created)
                male = rng.random() < 0.5
                local = rng.random() >= 0.35
                if local:
                    code = suzhou.pick(rng)
                    region, towns = names.SUZHOU_TOWNS[code]
                    villages = names.SUZHOU_VILLAGES
                    rural = rng.random() < 0.3
                else:
                    code, region = migrant.pick(rng)
                    towns = names.RURAL_TOWNS
                    villages = names.VILLAGES
                    rural = rng.random() < 0.85
                birth_ord = int(rng.triangular(lo, hi + 1, mode))
                if birth_ord > hi:
                    birth_ord = hi
                birth_iso = self.iso(birth_ord)
                ymd = birth_iso.replace("-", "")
                # ID number: sequence digit parity carries the sex (odd = male).
                while True:
                    body = f"{code}{ymd}{rng.randrange(500) * 2 + male:03d}"
                    id_number = body + id_check_char(body)
                    if id_number not in seen_ids:
                        seen_ids.add(id_number)
                        break
                cohort = 0 if birth_ord < year_1975 else (1 if birth_ord < year_1995 else 2)
                name = self.person_name(male, int(ymd[:4]), local)
                education = edu_pick[cohort].pick(rng)
                age_days = self.today_ord - birth_ord
                categories = [self._category(cat_local if local else cat_migrant, age_days,
                                             education)]
                if rng.random() < 0.2:
                    second = self._category(cat_local if local else cat_migrant, age_days,
                                            education)
                    if second not in categories and second != "other" \
                            and categories[0] != "other":
                        categories.append(second)
                if "migrant_worker" in categories:
                    rural = True  # 农村转移就业劳动者 hold a rural hukou by definition
                if "graduate_unemployed" in categories and education not in ("大专", "本科"):
                    education = "本科" if rng.random() < 0.4 else "大专"
                town = rng.choice(towns)
                if rural:
                    address = (f"{region}{town}{rng.choice(villages)}村"
                               f"{rng.randint(1, 12)}组{rng.randint(1, 60)}号")
                elif rng.random() < 0.5:
                    address = f"{region}{town}{rng.choice(names.STREETS)}{rng.randint(1, 999)}号"
                else:
                    address = (f"{region}{town}{rng.choice(names.COMMUNITIES)}社区"
                               f"{rng.randint(1, 40)}幢{rng.randint(1, 6)}0{rng.randint(1, 4)}室")
                # ~2% share a phone with someone registered shortly before: the
                # pattern of one agent's phone on several trainees.
                if recent_phones and rng.random() < 0.011:
                    phone = rng.choice(recent_phones)
                else:
                    phone = self.mobile()
                    recent_phones.append(phone)
                    if len(recent_phones) > 64:
                        del recent_phones[0]
                employer_index = -1
                employer = employer_uscc = ""
                if "employee" in categories:
                    employer_index = rng.randrange(n_employers)
                    employer, employer_uscc = self.employer_list[employer_index]
                if rng.random() < 0.35:
                    bank = rng.choice(BANKS)
                    account = f"62{rng.randrange(10**17):017d}"
                else:
                    bank = account = ""
                person_id = uid()
                person_rows.append((
                    person_id, name, "resident", id_number, "M" if male else "F", birth_iso,
                    phone, address, "农业" if rural else "非农业", education, employer,
                    employer_uscc, bank, account, "", stamp, stamp, device,
                ))
                for category in categories:
                    proof_number = ""
                    valid_from = None
                    if category == "disabled":
                        # 残疾人证号 = ID number + category digit + grade digit
                        proof_number = f"{id_number}{rng.randint(1, 7)}{rng.randint(1, 4)}"
                    elif category == "registered_unemployed":
                        proof_number = f"{code}{rng.randrange(10**10):010d}"
                        valid_from = self.iso(min(self.today_ord - 1, created // 86400000
                                                  - rng.randrange(30, 400)))
                    category_rows.append((
                        uid(), person_id, category, names.CATEGORY_PROOFS[category],
                        proof_number, valid_from, None, stamp, stamp, device,
                    ))
                self.person_ids.append(person_id)
                self.birth.append(birth_ord)
                self.first_cat.append(cat_keys.index(categories[0]))
                self.employer_of.append(employer_index)
            bulk.insert_rows(self.db, "person", person_rows)
            bulk.insert_rows(self.db, "person_category", category_rows)
            done = stop
            self.tick(done, LABEL_PEOPLE)

    def _category(self, weights: _Weighted, age_days: int, education: str) -> str:
        """A category that fits the person's age (school leavers are young ...)."""
        for _attempt in range(4):
            category = weights.pick(self.rng)
            if category == "graduate_unemployed" and age_days > 30 * 365:
                continue
            if category == "school_leaver" and (age_days > 24 * 365 or education in ("大专", "本科")):
                continue
            return category
        return "other"

    def pool_limit(self, ordinal: int) -> int:
        """How many people (a prefix of seq order) existed before day *ordinal*."""
        if self.later == 0:
            return self.imported
        later = math.ceil((ordinal - self.opened_ord - 1) * self.later / self.later_days)
        return self.imported + max(0, min(self.later, later))
