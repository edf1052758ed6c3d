"""The pitch kit: the person as a product, one target posting's hiring manager as its customer.

Every field is read from the posting, the company's other postings, the market and the resume; every quote is
a verbatim slice of the posting's description ({"from": "posting", "quote": ...}) or of the resume
({"from": "resume", "quote": ...}), every other claim a warehouse or market fact ({"from": ..., "fact": ...}).

  angle         the customer's pain: the hire-type call's deciding sentences and the company facts; bandwidth:
                the team's practices the posting names beside the resume lines that show the same, and the
                resume's mentoring lines; expertise: your skills rare among this role family's open postings,
                those the company's other postings never ask for, and rising skills of the role family
  segments      whom the role serves: teams and groups the posting names and the company's departments it
                mentions, each with the resume lines that speak to them
  value         benefits (requirements the fit scorer matched, with the resume line that proves each) against
                costs: pay (your floor vs the posted or the market band), opportunity (the company's other
                roles you fit) and risk (what lowers and raises it)
  resume        release notes: bullets to lead with (by the requirements and skills they prove), to cut, to give
                a number, and the growth story of the dated roles
  cover_letter  a press-release outline: headline, the customer's problem in its words, 2-3 proof points,
                a closing line on the roadmap you bring
  roadmap       the profile's stored skill-gap roadmap (pipelines/roadmap.py), top 5
  market_fit    companies and role families where even your best posting is weak
"""

from __future__ import annotations

import json
import re
import statistics
from datetime import datetime, timezone
from functools import cached_property

import duckdb

from models.profile import Profile, career, is_quantified, resume_bullets, seniority_from_title
from models.roles import person_families, title_roles
from models.skills import SkillExtractor
from pipelines.roadmap import skill_groups
from warehouse import insights

WEAK_FIT = 40.0              # below this even the best posting is a poor fit (the roadmap's lowest band)
RARE_SHARE = 0.10            # a skill named by at most this share of the role family's open postings is rare
GROWTH_WEEKS = 13
LEAD_BULLETS = 3
PROOF_POINTS = 3
LONG_TENURE_YEARS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
CUE_EVIDENCE = re.compile(r'^(bandwidth|expertise) cue: "(.+)"$')
_CADENCE = re.compile(r"\b(?:weekly|daily|sprints?|on-call|code reviews?|design (?:docs?|documents|reviews?)|"
                      r"pair(?:ing)?|ships?|shipping|release[sd]?|deploy(?:s|ed|ing)?|agile|scrum|kanban|"
                      r"retros?|stand-?ups?|roadmaps?|experiments?|iterat\w+|own(?:s|ership)?)\b", re.I)
_MULTIPLIER = re.compile(r"\b(?:mentor\w*|coach\w*|hiring|hired|onboard\w*|train(?:ed|ing)\b|guild|taught|"
                         r"grew the team|led (?:a|the) team|managed \d+)", re.I)
_SERVES = re.compile(r"\b(?:with|for|alongside|support(?:s|ing)?|serv(?:e|es|ing)|partner(?:s|ing)? with)\s+"
                     r"(?:our|the|your|a|other)?\s*((?:[\w&/-]+\s+){0,3}?(?:teams?|researchers|customers|engineers|"
                     r"designers|scientists|managers|operations|users|partners|leadership|stakeholders))\b", re.I)
_GENERIC = frozenset({"team", "teams", "our", "the", "and", "of", "other", "cross", "functional", "cross-functional",
                      "a", "your", "with", "all"})
_PAY = re.compile(r"salary|compensation|pay range|base pay|\bOTE\b", re.I)


def sentences(text: str) -> list[str]:
    """The text's sentences, each a verbatim slice of it (lines split, then sentence ends)."""
    return [part.strip() for line in text.splitlines() for part in _SENTENCE_END.split(line) if part.strip()]


def _posting_quote(quote: str) -> dict:
    return {"from": "posting", "quote": quote}


def _resume_quote(quote: str) -> dict:
    return {"from": "resume", "quote": quote}


def _fact(source: str, fact: str) -> dict:
    return {"from": source, "fact": fact}


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z][a-z&-]+", text.lower())} - {w.rstrip("s") for w in _GENERIC}


class PitchKits:
    """Kits for one profile; what they share (resume skills, the market, skill growth) is read once."""

    def __init__(self, con: duckdb.DuckDBPyConnection, profile: Profile, skills: SkillExtractor | None = None,
                 now: datetime | None = None) -> None:
        self.con, self.profile = con, profile
        self.skills = skills or SkillExtractor.load()
        self.now = now or datetime.now(timezone.utc)
        self.bullets = resume_bullets(profile)
        self.families = person_families(profile.preferences.roles, profile.headline)
        self._line_skills: dict[str, frozenset[str]] = {}

    @cached_property
    def resume_skills(self) -> set[str]:
        return {m.name for m in self.skills.extract(self.profile.resume)}

    def line_skills(self, line: str) -> frozenset[str]:
        """The skills a line (of the resume or the posting) names, each line read once."""
        if line not in self._line_skills:
            self._line_skills[line] = frozenset(m.name for m in self.skills.extract(line))
        return self._line_skills[line]

    def resume_lines_naming(self, skill: str) -> list[str]:
        return [line for line in self.profile.lines if skill in self.line_skills(line)]

    @cached_property
    def market(self) -> list[dict]:
        return [row | {"family": title_roles(row["title"]).leading} for row in insights.market_postings(self.con)]

    @cached_property
    def growth(self) -> dict[str, dict]:
        return insights.skill_growth(self.con, GROWTH_WEEKS)

    @cached_property
    def roles(self) -> list[dict]:
        return insights.target_roles(self.con, self.profile.name, self.now)

    # --- the kit -------------------------------------------------------------------------------------------

    def kit(self, posting_id: str) -> dict:
        posting = insights.pitch_posting(self.con, self.profile.name, posting_id)
        if posting is None:
            raise PitchError(f"no posting {posting_id!r} in the warehouse: `marketfit targets --profile ... --format "
                             f"json` lists the best postings' ids (best_posting_id)")
        if posting["fit_score"] is None:
            raise PitchError(f"posting {posting_id!r} is not scored for profile '{self.profile.name}' yet: run "
                             f"`marketfit score --profile ...` (or scan with --profile) first")
        explanation = json.loads(posting["explanation"])
        description = posting["description"] or ""
        company = insights.company_postings(self.con, posting["company"], self.profile.name)
        named = list(dict.fromkeys(m.name for m in self.skills.extract(description)))
        # requirement lines the scorer matched, kept only where both quotes are still verbatim
        matched = [m for m in explanation.get("matched", [])
                   if m["requirement"] in description and m["resume_line"] in self.profile.resume]
        angle = self._angle(posting, description, company, named)
        resume = self._resume(matched, named, angle)
        value = self._value(posting, description, company, explanation, matched, named)
        kit = {
            "posting_id": posting_id, "company": posting["company"], "title": posting["title"], "url": posting["url"],
            "fit": posting["fit_score"], "hire_type": angle["hire_type"],
            "angle": angle,
            "segments": self._segments(posting, description, company),
            "value": value,
            "resume": resume,
            "roadmap": self._roadmap(),
            "market_fit": self._market_fit(),
        }
        kit["cover_letter"] = self._cover_letter(kit, description)
        # what the report's pitch-notes section reads
        kit["advice"] = angle["summary"]
        kit["lead_with"] = resume["lead_with"]
        return kit

    # 1. the customer's pain
    def _angle(self, posting: dict, description: str, company: list[dict], named: list[str]) -> dict:
        hire_type = posting["hire_type"] or "bandwidth"
        evidence = []
        cues = [CUE_EVIDENCE.match(e) for e in json.loads(posting["hire_type_evidence"] or "[]")]
        deciding: dict[str, list[str]] = {}
        for phrase in dict.fromkeys(c[2] for c in cues if c and c[1] == hire_type):
            sentence = next((s for s in sentences(description) if phrase.lower() in s.lower()), None)
            if sentence:
                deciding.setdefault(sentence, []).append(phrase)
        evidence += [_posting_quote(sentence) | {"why": f"{hire_type} cue " + ", ".join(f'"{p}"' for p in phrases)}
                     for sentence, phrases in deciding.items()]
        evidence += self._company_facts(posting, company)
        angle = {"hire_type": hire_type, "evidence": evidence}
        if posting["hire_type"] is None:
            evidence.append(_fact("warehouse", "the hire type is not classified yet: pitched as bandwidth"))
        if hire_type == "bandwidth":
            practices = self._practices(description, named)
            multiplier = [_resume_quote(line) for line in self.profile.lines if _MULTIPLIER.search(line)][:3]
            shown = ", ".join(p["practice"] for p in practices[:4])
            angle |= {"practices": practices, "multiplier": multiplier,
                      "summary": "Bandwidth hire: the team needs more hands for work it already does; show you "
                                 "deliver the way it does" + (f" ({shown})" if shown else "")
                                 + (" and can lift others' output" if multiplier else "") + "."}
        else:
            differentiators = self._differentiators(posting)
            team_lacks = self._team_lacks(posting, company, named)
            angle |= {"differentiators": differentiators, "team_lacks": team_lacks,
                      "next": self._next_skills(posting),
                      "summary": "Expertise hire: the team lacks something it needs; lead with what sets you "
                                 "apart" + (f" ({', '.join(d['skill'] for d in differentiators[:4])})"
                                            if differentiators else "") + "."}
        return angle

    def _company_facts(self, posting: dict, company: list[dict]) -> list[dict]:
        facts = []
        same = posting["same_title_open"] or 0
        if same:
            facts.append(_fact("warehouse", f"the same title is open {same + 1} times at {posting['company']}"))
        if posting["new_department"]:
            facts.append(_fact("warehouse", f"{posting['department']} is a department new at {posting['company']} "
                                            f"in the last 4 weeks"))
        family = title_roles(posting["title"]).leading
        earlier = [p for p in company if p["posting_id"] != posting["posting_id"]
                   and p["listed_at"] <= posting["listed_at"] and title_roles(p["title"]).leading == family]
        if family and not earlier:
            facts.append(_fact("warehouse", f"the first {family} role {posting['company']} has listed"))
        elif family:
            facts.append(_fact("warehouse", f"{len(earlier)} earlier {family} role{'s' if len(earlier) != 1 else ''} "
                                            f"at {posting['company']} ({', '.join(p['title'] for p in earlier[:3])})"))
        still_open = sum(p["is_open"] for p in company)
        facts.append(_fact("warehouse", f"{posting['company']} has {still_open} open posting"
                                        f"{'s' if still_open != 1 else ''} of {len(company)} seen"))
        return facts

    def _practices(self, description: str, named: list[str]) -> list[dict]:
        """The tools and cadence the posting describes, each with the resume lines that show the same."""
        found = []
        for skill in (s for s in named if s in self.resume_skills):
            said = next((s for s in sentences(description) if skill in self.line_skills(s)), None)
            shown = self.resume_lines_naming(skill)[:2]
            if said and shown:
                found.append({"practice": skill, "posting": _posting_quote(said),
                              "resume": [_resume_quote(line) for line in shown]})
        for sentence in sentences(description):
            for word in dict.fromkeys(w.lower() for w in _CADENCE.findall(sentence)):
                shown = [line for line in self.profile.lines if re.search(rf"\b{re.escape(word)}", line, re.I)][:2]
                if shown and all(p["practice"] != word for p in found):
                    found.append({"practice": word, "posting": _posting_quote(sentence),
                                  "resume": [_resume_quote(line) for line in shown]})
        return found[:8]

    def _family_postings(self, posting: dict) -> list[dict]:
        family = title_roles(posting["title"]).leading
        return [p for p in self.market if p["family"] == family] or self.market

    def _differentiators(self, posting: dict) -> list[dict]:
        """Your skills that at most RARE_SHARE of this role family's open postings name."""
        peers = self._family_postings(posting)
        share = {s: sum(s in p["skills"] for p in peers) / len(peers) for s in self.resume_skills}
        rare = sorted((s for s in self.resume_skills if share[s] <= RARE_SHARE and self.resume_lines_naming(s)),
                      key=lambda s: (share[s], s))
        family = title_roles(posting["title"]).leading or "all"
        return [{"skill": s, "market": _fact("market", f"named by {share[s]:.0%} of {len(peers)} open {family} "
                                                      f"postings"),
                 "resume": _resume_quote(self.resume_lines_naming(s)[0])} for s in rare[:6]]

    def _team_lacks(self, posting: dict, company: list[dict], named: list[str]) -> list[dict]:
        """Your skills that none of the company's other postings, open or past, ask for (this posting's first)."""
        others = {s for p in company if p["posting_id"] != posting["posting_id"] for s in p["skills"]}
        lacking = [s for s in named if s in self.resume_skills and s not in others]
        lacking += sorted(s for s in self.resume_skills - others - set(lacking) if self.resume_lines_naming(s))
        return [{"skill": s, "company": _fact("warehouse", f"none of {posting['company']}'s other "
                                                             f"{len(company) - 1} postings names it"),
                 "resume": _resume_quote(self.resume_lines_naming(s)[0])}
                for s in lacking if self.resume_lines_naming(s)][:6]

    def _next_skills(self, posting: dict) -> list[dict]:
        """Skills rising in the market ('new' or 'rising' over 13 weeks) that this role family's postings name."""
        close = {s for p in self._family_postings(posting) for s in p["skills"]}
        rising = [(s, g) for s, g in self.growth.items() if g["trend"] in ("new", "rising") and s in close]
        rising.sort(key=lambda item: (-(item[1]["growth"] or 0), item[0]))
        return [{"skill": s, "you_have": s in self.resume_skills,
                 "market": _fact("market", f"{g['trend']} over {GROWTH_WEEKS} weeks"
                                           + (f" ({g['growth']:+.0%} share)" if g["growth"] is not None else ""))}
                for s, g in rising[:5]]

    # 2. the end users
    def _segments(self, posting: dict, description: str, company: list[dict]) -> list[dict]:
        segments: dict[str, dict] = {}
        for unit in (posting["department"], posting["team"]):
            if unit:
                segments.setdefault(unit, {"segment": unit, "evidence": [
                    _fact("warehouse", f"the posting is listed under {unit}")]})
        departments = {u for p in company for u in (p["department"], p["team"]) if u}
        for sentence in sentences(description):
            without_company = sentence.replace(posting["company"], "")
            for unit in departments:   # as capitalised: "Design" the department, not "design and build"
                if re.search(rf"\b{re.escape(unit)}\b", without_company):
                    segments.setdefault(unit, {"segment": unit, "evidence": []})["evidence"].append(
                        _posting_quote(sentence))
            for match in _SERVES.finditer(sentence):
                name = match[1].strip()
                if _words(name):
                    segments.setdefault(name.lower(), {"segment": name, "evidence": []})["evidence"].append(
                        _posting_quote(sentence))
        for segment in segments.values():
            segment["evidence"] = list({e.get("quote", e.get("fact")): e for e in segment["evidence"]}.values())[:2]
            words = _words(segment["segment"])
            segment["resume"] = [_resume_quote(line) for line in self.profile.lines if words & _words(line)][:2]
        return sorted(segments.values(), key=lambda s: (not s["resume"], s["segment"].lower()))[:6]

    # 3. the value proposition
    def _value(self, posting: dict, description: str, company: list[dict], explanation: dict, matched: list[dict],
               named: list[str]) -> dict:
        benefits = [{"requirement": _posting_quote(m["requirement"]), "proof": _resume_quote(m["resume_line"]),
                     "quantified": is_quantified(m["resume_line"])} for m in matched]
        for skill in (s for s in named if s in self.resume_skills and self.resume_lines_naming(s)):
            said = next((s for s in sentences(description) if skill in self.line_skills(s)), None)
            if said and len(benefits) < 8 and all(b["requirement"]["quote"] != said for b in benefits):
                proof = self.resume_lines_naming(skill)[0]
                benefits.append({"requirement": _posting_quote(said), "proof": _resume_quote(proof),
                                 "skill": skill, "quantified": is_quantified(proof)})
        costs = [self._pay(posting, description), self._opportunity(posting, company),
                 self._risk(posting, description, explanation, matched)]
        return {"benefits": benefits, "costs": costs}

    def _pay(self, posting: dict, description: str) -> dict:
        prefs = self.profile.preferences
        said = [_posting_quote(s) for s in sentences(description) if _PAY.search(s) and re.search(r"\d", s)][:1]
        low, high, currency = posting["salary_min_annual"], posting["salary_max_annual"], posting["salary_currency"]
        source = "posted"
        if high is None:
            family = title_roles(posting["title"]).leading
            peers = [p for p in self.market if p["family"] == family and p["salary_max_annual"]
                     and p["country"] == posting["country"]]
            currencies = [p["salary_currency"] for p in peers]
            if peers:
                currency = statistics.mode(currencies)
                peers = [p for p in peers if p["salary_currency"] == currency]
                low = statistics.median(p["salary_min_annual"] or p["salary_max_annual"] for p in peers)
                high = statistics.median(p["salary_max_annual"] for p in peers)
                source = f"market median of {len(peers)} {family or ''} postings in {posting['country'] or 'any place'}"
        evidence = said + ([_fact("market", source)] if source != "posted" else [])
        if high is None:
            finding = "no pay posted and no market band for this role and place: ask early"
        elif prefs.min_salary is None:
            finding = f"{source} band {currency} {low or high:,.0f}-{high:,.0f} a year; you set no floor"
        elif currency and currency != prefs.currency:
            finding = (f"{source} band {currency} {low or high:,.0f}-{high:,.0f} a year against your floor "
                       f"{prefs.currency} {prefs.min_salary:,.0f}: compare after converting")
        else:
            where = ("above the top of" if prefs.min_salary > high else "inside" if prefs.min_salary >= (low or high)
                     else "below")
            finding = (f"your floor {prefs.currency} {prefs.min_salary:,.0f} is {where} the {source} band "
                       f"{currency} {low or high:,.0f}-{high:,.0f} a year"
                       + (": the manager sees a cost above budget" if where.startswith("above") else ""))
        return {"cost": "compensation", "finding": finding, "evidence": evidence}

    def _opportunity(self, posting: dict, company: list[dict]) -> dict:
        others = sorted((p for p in company if p["is_open"] and p["fit_score"] is not None
                         and p["posting_id"] != posting["posting_id"]), key=lambda p: (p["tier"], -p["fit_score"]))
        better = [p for p in others if (p["tier"], -p["fit_score"]) < (posting["tier"], -posting["fit_score"])]
        if better:
            finding = (f"{better[0]['title']} at {posting['company']} fits you better ({better[0]['fit_score']:.0f} vs "
                       f"{posting['fit_score']:.0f}): apply to that one")
        elif others:
            finding = (f"the best fit of the {len(others) + 1} open {posting['company']} roles scored for you "
                       f"(next: {others[0]['title']})")
        else:
            finding = f"the only open {posting['company']} role scored for you"
        return {"cost": "opportunity", "finding": finding,
                "evidence": [_fact("warehouse", f"{p['title']}: fit {p['fit_score']:.0f}"
                                                + (" (breaks one of your preferences)" if p["tier"] else ""))
                             for p in others[:3]]}

    def _risk(self, posting: dict, description: str, explanation: dict, matched: list[dict]) -> dict:
        lowers, raises = [], []
        lowers += [_resume_quote(m["resume_line"]) | {"why": "a quantified outcome"}
                   for m in matched if is_quantified(m["resume_line"])][:2]
        domain = _words(" ".join(filter(None, [posting["department"], posting["team"],
                                               *re.split(r"[,(–—-]", posting["title"])[1:]])))
        same_domain = [line for line in self.profile.lines if domain & _words(line)
                       and all(line != e["quote"] for e in lowers)][:1]
        lowers += [_resume_quote(line) | {"why": "same-domain history"} for line in same_domain]
        longest = max(career(self.profile), key=lambda r: (r["end"] or self.now.year) - r["start"], default=None)
        if longest and (longest["end"] or self.now.year) - longest["start"] >= LONG_TENURE_YEARS:
            lowers.append(_resume_quote(longest["role"]) | {
                "why": f"tenure: {(longest['end'] or self.now.year) - longest['start']} years"})
        components = explanation.get("components", {})
        raises += [_fact("posting", f"must-have skill missing from your resume: {gap}")
                   for gap in explanation.get("gaps", [])[:3]]
        if components.get("level_above") or components.get("level_far_above"):
            raises.append(_fact("posting", f"a level stretch: the role sits above your {self.profile.seniority} level"))
        if components.get("years_short"):
            asked = next((s for s in sentences(description) if re.search(r"\d+\+?\s*(?:years|yrs)", s, re.I)), None)
            raises.append(_posting_quote(asked) | {"why": "asks more years than you have"} if asked else
                          _fact("posting", "asks more years than you have"))
        return {"cost": "risk", "lowers": lowers, "raises": raises,
                "finding": f"{len(lowers)} thing{'s' if len(lowers) != 1 else ''} lower the risk, "
                           f"{len(raises)} raise it"}

    # 4. the release notes
    def _resume(self, matched: list[dict], named: list[str], angle: dict) -> dict:
        proves: dict[str, list[str]] = {b: [] for b in self.bullets}
        best: dict[str, float] = {}
        for m in matched:
            if m["resume_line"] in proves:
                proves[m["resume_line"]].append(m["requirement"])
                best[m["resume_line"]] = max(best.get(m["resume_line"], 0.0), m.get("similarity", 0.0))
        asked = set(named)
        skills_of = {b: sorted(self.line_skills(b) & asked) for b in self.bullets}
        ranked = sorted((b for b in self.bullets if proves[b] or skills_of[b]),
                        key=lambda b: (-len(proves[b]), -len(skills_of[b]), -best.get(b, 0.0), self.bullets.index(b)))
        lead = [{"bullet": b, "answers": (proves[b] or skills_of[b])[0], "proves": proves[b] + skills_of[b],
                 "quantified": is_quantified(b)} for b in ranked[:LEAD_BULLETS]]
        add_a_number = [{"bullet": b, "would_prove": (proves[b] or skills_of[b])[0]}
                        for b in ranked if not is_quantified(b)]
        multiplier = {m["quote"] for m in angle.get("multiplier", [])}   # a bandwidth hire's bonus: kept
        cut = [b for b in self.bullets if b not in ranked and b not in multiplier]
        roles = career(self.profile)
        growth = [{"role": r["role"], "years": f"{r['start']}-{r['end'] or 'present'}", "bullets": r["bullets"],
                   "level": seniority_from_title(r["role"]) or ""} for r in roles]
        story = " → ".join(f"{r['role'].split(' — ')[0]} ({r['start']})" for r in roles)
        return {"lead_with": lead, "cut": cut, "add_a_number": add_a_number, "growth_story": growth,
                "growth_summary": story}

    # 5. the press release
    def _cover_letter(self, kit: dict, description: str) -> dict:
        angle, resume = kit["angle"], kit["resume"]
        strengths = [p["practice"] for p in angle.get("practices", [])][:3] or \
                    [d["skill"] for d in angle.get("differentiators", [])][:3]
        who = self.profile.headline.split(" · ")[0]
        owner = kit["company"] + ("'" if kit["company"].endswith("s") else "'s")
        headline = f"{who} for {owner} {kit['title']}" + \
                   (f": {', '.join(strengths)}" if strengths else "")
        problem = [e for e in angle["evidence"] if e["from"] == "posting"][:2] or \
                  [b["requirement"] for b in kit["value"]["benefits"][:2]] or \
                  [_posting_quote(s) for s in sentences(description)[:1]]
        proofs = sorted(resume["lead_with"], key=lambda b: not b["quantified"])
        solution = [_resume_quote(b["bullet"]) | {"answers": b["answers"]} for b in proofs[:PROOF_POINTS]]
        bring = [n["skill"] for n in angle.get("next", []) if n["you_have"]] or \
                [r["skill"] for r in kit["roadmap"]["skills"][:2]]
        closing = (f"Next for the team: {', '.join(bring)}, rising in this market" if angle.get("next") and
                   any(n["you_have"] for n in angle["next"]) else
                   f"On your roadmap next: {', '.join(bring)}" if bring else
                   "Close with what you would deliver in the first 90 days, from the posting's own goals")
        return {"headline": headline, "headline_evidence": [_resume_quote(self.profile.headline)],
                "problem": problem, "solution": solution, "closing": closing}

    # 6. the personal roadmap
    def _roadmap(self) -> dict:
        rows = insights.profile_roadmap(self.con, self.profile.name)
        groups = skill_groups()
        skills = [{"skill": r["skill"], "group": groups.get(r["skill"], ""), "return_score": r["return_score"],
                   "postings_moved": r["postings_moved"], "growth_13w": r["growth_13w"]} for r in rows[:5]]
        return {"skills": skills,
                "note": "" if rows else "no roadmap stored yet: `marketfit roadmap --profile ...` builds it"}

    # 7. fit with the market
    def _market_fit(self) -> dict:
        by_company: dict[str, dict] = {}
        by_family: dict[str, dict] = {}
        for role in (r for r in self.roles if r["tier"] == 0):
            for key, table in ((role["company"], by_company), (title_roles(role["title"]).leading or "unknown",
                                                              by_family)):
                if key not in table or role["fit_score"] > table[key]["best_fit"]:
                    table[key] = {"best_fit": role["fit_score"], "title": role["title"],
                                  "postings": table.get(key, {}).get("postings", 0)}
                table[key]["postings"] += 1
        weak_companies = sorted(({"company": c, **v} for c, v in by_company.items() if v["best_fit"] < WEAK_FIT),
                                key=lambda w: (w["best_fit"], w["company"]))
        weak_families = sorted(({"family": f, **v} for f, v in by_family.items() if v["best_fit"] < WEAK_FIT),
                               key=lambda w: (w["best_fit"], w["family"]))
        own = sorted(f for f in by_family if f in self.families)
        summary = (f"You do not fit {len(weak_companies)} of {len(by_company)} companies and "
                   f"{len(weak_families)} of {len(by_family)} role families: even their best open posting scores "
                   f"below {WEAK_FIT:.0f}" if weak_companies or weak_families else
                   f"Every company and role family has an open posting at {WEAK_FIT:.0f} or more for you")
        return {"summary": summary + (f" (your function: {', '.join(own)})" if own else "") + ".",
                "weak_companies": weak_companies[:10], "weak_families": weak_families}


class PitchError(ValueError):
    """No kit can be made for the posting (unknown, or not scored for the profile); the message says why."""


def build_kit(con: duckdb.DuckDBPyConnection, profile: Profile, posting_id: str,
              skills: SkillExtractor | None = None) -> dict:
    """The whole pitch kit for one posting (see the module docstring)."""
    return PitchKits(con, profile, skills).kit(posting_id)


def quotes(kit: dict) -> list[tuple[str, str]]:
    """Every quoted evidence string in the kit, as (source, quote)."""
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if "quote" in node:
                found.append((node["from"], node["quote"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(kit)
    return found


def evidence_text(item: dict) -> str:
    """A quote with where it comes from, or a fact with its source, as one line."""
    if "quote" in item:
        return f"“{item['quote']}” ({item['from']})" + (f" [{item['why']}]" if item.get("why") else "")
    return f"{item['fact']} ({item['from']})"


def kit_markdown(kit: dict) -> str:
    """The kit as Markdown: one section per playbook point, quotes as quotes."""
    angle, value, resume, letter = kit["angle"], kit["value"], kit["resume"], kit["cover_letter"]
    lines = [f"# Pitch kit: {kit['company']}, {kit['title']} (fit {kit['fit']:.0f})", "",
             "## The customer's pain", "", angle["summary"], ""]
    lines += [f"- {evidence_text(e)}" for e in angle["evidence"]]
    for practice in angle.get("practices", []):
        lines.append(f"- Practice **{practice['practice']}**: {evidence_text(practice['posting'])}; you: "
                     + "; ".join(evidence_text(r) for r in practice["resume"]))
    lines += [f"- Multiplier: {evidence_text(m)}" for m in angle.get("multiplier", [])]
    lines += [f"- Rare skill **{d['skill']}**: {evidence_text(d['market'])}; you: {evidence_text(d['resume'])}"
              for d in angle.get("differentiators", [])]
    lines += [f"- The team lacks **{t['skill']}**: {evidence_text(t['company'])}; you: {evidence_text(t['resume'])}"
              for t in angle.get("team_lacks", [])]
    lines += [f"- Needed next: **{n['skill']}** ({evidence_text(n['market'])}{'; you have it' if n['you_have'] else ''})"
              for n in angle.get("next", [])]
    lines += ["", "## The end users", ""]
    for segment in kit["segments"]:
        lines.append(f"- **{segment['segment']}**: " + "; ".join(evidence_text(e) for e in segment["evidence"])
                     + (" — you: " + "; ".join(evidence_text(r) for r in segment["resume"]) if segment["resume"]
                        else " — no resume line speaks to them yet"))
    lines += ["", "## The value proposition", "", "Benefits:", ""]
    lines += [f"- {evidence_text(b['requirement'])} ← {evidence_text(b['proof'])}" for b in value["benefits"]] or ["- none matched"]
    lines += ["", "Costs:", ""]
    for cost in value["costs"]:
        lines.append(f"- {cost['cost']}: {cost['finding']}")
        lines += [f"  - {evidence_text(e)}" for e in cost.get("evidence", [])]
        lines += [f"  - lowers: {evidence_text(e)}" for e in cost.get("lowers", [])]
        lines += [f"  - raises: {evidence_text(e)}" for e in cost.get("raises", [])]
    lines += ["", "## The release notes", "", "Lead with:", ""]
    lines += [f"- {b['bullet']}{'' if b['quantified'] else ' **(add a number)**'} (proves: {'; '.join(b['proves'])})"
              for b in resume["lead_with"]] or ["- no bullet proves a requirement of this posting"]
    lines += ["", "Cut for this audience:", ""] + [f"- {b}" for b in resume["cut"]] + \
             ["", "Add a number:", ""] + [f"- {a['bullet']} (would prove: {a['would_prove']})"
                                          for a in resume["add_a_number"]]
    lines += ["", f"Growth story: {resume['growth_summary'] or 'no dated roles in the resume'}", "",
              "## The press release", "", f"**{letter['headline']}**", "", "The problem, in their words:", ""]
    lines += [f"- {evidence_text(p)}" for p in letter["problem"]]
    lines += ["", "Your solution:", ""] + [f"- {evidence_text(s)}" for s in letter["solution"]]
    lines += ["", letter["closing"] + ".", "", "## Your roadmap", ""]
    lines += [f"- {r['skill']}" + (f" ({r['group']})" if r["group"] else "") + f": return {r['return_score']:g}"
              for r in kit["roadmap"]["skills"]] or [f"- {kit['roadmap']['note']}"]
    lines += ["", "## Fit with the market", "", kit["market_fit"]["summary"]]
    lines += [f"- {w['company']}: best {w['best_fit']:.0f} ({w['title']})" for w in kit["market_fit"]["weak_companies"]]
    lines += [f"- {w['family']}: best {w['best_fit']:.0f} ({w['title']})" for w in kit["market_fit"]["weak_families"]]
    return "\n".join(lines) + "\n"
