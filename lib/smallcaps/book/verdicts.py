"""How a verdict is shown: the callout in a chapter, the chapter's verdict box, the scorecard's
"why this verdict" and deciding number, and the landing page's bottom lines.

Everything here reads a :class:`~smallcaps.claims.contract.ClaimResult` (what chapters publish in
``<chapter>.results.json``) and, where the claim's class is importable, its ``heading`` (a short
name), ``kind`` (fact, effect, forecast) and ``interval_decides``. The same function words a
verdict in the chapter and on the scorecard, so the two never disagree.

* **Why this verdict** is the rule's own clause for the verdict reached (the rule is fixed before
  the evidence, so the clause is what the evidence met); for an untestable claim, its note (what
  data would decide it).
* **The interval is shown only where it decides**: where the rule's thresholds mention an
  interval (or the claim says so with ``interval_decides``). A fact about the past decided by a
  level (R1's 9.3 pp lead) is shown without the interval of a test it does not use.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..claims.contract import UNTESTABLE, VERDICTS, ClaimResult
from ..display import MISSING, VERDICT_CLASS, badge, format_value, percent, stat_digits

#: Plain words for a claim's kind (``Claim.kind``).
KIND_WORDS = {"fact": "fact about the past", "effect": "effect", "forecast": "forecast"}
KIND_HELP = ("**Type of claim.** A *fact about the past* says what happened (a return over stated dates, "
             "a level at a date): it is checked against the data themselves, and an interval matters only "
             "if the rule uses one. An *effect* says how two things move together (a premium, a slope, a "
             "difference between regimes): its confidence interval must agree. A *forecast* says what comes "
             "next: it must hold out of sample.")
#: What "significant" means wherever the book says it.
SIGNIFICANT = ("**Significant** means that the 95% confidence interval excludes zero on the side the claim "
               "predicts (a one-sided test at the 2.5% level in the claim's direction); an interval wholly on "
               "the other side is not significant for the claim, however far from zero it lies.")

_SEPARATORS = ((" Supported if ", "supported"), ("; partly supported if ", "partly supported"),
               ("; inconclusive if ", "inconclusive"), ("; not supported if ", "not supported"),
               (" Untestable if ", UNTESTABLE))
#: The verdicts a rule's thresholds decide (all but untestable; "inconclusive" where the contract has it).
DECIDED = tuple(v for v in (*VERDICTS, "inconclusive") if v != UNTESTABLE)


def rule_clauses(rule_text: str) -> dict[str, str]:
    """The threshold of each verdict in a rule's one-paragraph text (:meth:`Rule.text`).

    Returns verdict -> clause (without the trailing full stop); verdicts the text does not state
    are absent.
    """
    text = rule_text.strip()
    cuts = []
    pos = 0
    for sep, verdict in _SEPARATORS:
        i = text.find(sep, pos)
        if i < 0:
            continue
        cuts.append((i, i + len(sep), verdict))
        pos = i + len(sep)
    out = {}
    for k, (_, start, verdict) in enumerate(cuts):
        end = cuts[k + 1][0] if k + 1 < len(cuts) else len(text)
        clause = text[start:end].strip()
        if clause.endswith("."):
            clause = clause[:-1]
        out[verdict] = clause
    return out


def claim_class(claim_id: str):
    """The claim's class (``smallcaps.claims.get``), or None where its chapter has no claim
    classes yet."""
    try:
        from .. import claims

        return claims.get(claim_id)
    except Exception:  # a chapter not yet ported to claim objects, or an unknown id
        return None


@dataclass(frozen=True)
class ClaimInfo:
    """What the page shows about a claim besides its result."""

    id: str
    heading: str = ""
    kind: str = ""
    interval_decides: bool | None = None

    @classmethod
    def of(cls, claim_id: str) -> ClaimInfo:
        c = claim_class(claim_id)
        if c is None:
            return cls(claim_id)
        return cls(claim_id, getattr(c, "heading", "") or "", getattr(c, "kind", "") or "",
                   getattr(c, "interval_decides", None))

    @property
    def kind_words(self) -> str:
        return KIND_WORDS.get(self.kind, MISSING)

    @property
    def label(self) -> str:
        """``V1 · How cheap are small caps?`` (the id alone without a heading)."""
        return f"{self.id} \u00b7 {self.heading}" if self.heading else self.id


def _sentence(clause: str) -> str:
    clause = clause.strip()
    return clause[:1].upper() + clause[1:] if clause else clause


#: Words that make a clause refer back to the supported one ("only one of the two holds").
_RELATIVE = ("of the two", "the other two", "neither", "none ", "none counts", "exactly one", "only one",
             "it is ", "one or two of them")


def why(result: ClaimResult) -> str:
    """One sentence: why the claim got its verdict. The rule's clause for the verdict reached
    (followed by the supported clause where it only refers to it, as in "only one of the two
    holds"); for an untestable claim, its note saying what data would decide it."""
    clauses = rule_clauses(result.rule)
    if result.verdict == UNTESTABLE:
        return result.note or _sentence(clauses.get(UNTESTABLE, ""))
    clause = clauses.get(result.verdict, "")
    if not clause:
        return MISSING
    text = _sentence(clause)
    low = f"{clause.lower()} "
    if (result.verdict != "supported" and clauses.get("supported") and "(" not in clause
            and any(w in low for w in _RELATIVE)):
        text += f" (supported needs: {clauses['supported']})"
    return text + "."


def interval_decides(result: ClaimResult, info: ClaimInfo | None = None) -> bool:
    """Whether the statistic's interval decides the verdict: the claim's own
    ``interval_decides`` when it sets one, else whether the rule's thresholds mention an interval."""
    if info is not None and info.interval_decides is not None:
        return bool(info.interval_decides)
    clauses = rule_clauses(result.rule)
    thresholds = " ".join(clauses.get(v, "") for v in DECIDED)
    if "interval" in thresholds or " CI" in thresholds:
        return True
    # thresholds that count tests ("none counts"), a test counting when its interval excludes zero
    statistic = result.rule.split(" Supported if ", 1)[0]
    return " count" in thresholds and "interval" in statistic


def deciding_text(result: ClaimResult, info: ClaimInfo | None = None) -> str:
    """``name: value unit`` with ``(95% CI low to high)`` only where the interval decides; 1
    decimal for percent and pp, 2 for ratios and slopes."""
    s = result.statistic
    if s.value is None:
        return f"{s.name}: {MISSING}"
    ends = [abs(x) for x in (s.value, s.ci_low, s.ci_high) if x is not None]
    d = stat_digits(s.unit, max(ends))
    fmt = "{:." + str(d) + "f}"
    out = format_value(s.value + 0.0, fmt) + (f" {s.unit}" if s.unit else "")
    if s.ci_low is not None and s.ci_high is not None and interval_decides(result, info):
        lvl = f"{int(round(percent(s.ci_level)))}% CI " if s.ci_level else ""
        out += f" ({lvl}{format_value(s.ci_low + 0.0, fmt)} to {format_value(s.ci_high + 0.0, fmt)})"
    return f"{s.name}: {out}"


def sample_text(result: ClaimResult) -> str:
    """``2017-04-21 to 2026-03-27, 61 weekly observations`` (or ``no sample``)."""
    smp = result.sample
    if not smp.n:
        return "no sample"
    unit = {"events": "events", "cross-section": "cross-sectional observations", "none": "observations"}.get(
        smp.frequency, f"{smp.frequency} observations")
    return f"{smp.start} to {smp.end}, {smp.n:,} {unit}"


def verdict_class(verdict: str) -> str:
    """``verdict-partly`` etc. (the callout's colour)."""
    return VERDICT_CLASS.get(verdict, "sc-missing").replace("sc-", "verdict-")


def callout(result: ClaimResult, info: ClaimInfo | None = None) -> str:
    """The verdict as a callout in the grid's colours (MyST): why, the deciding number and its
    sample, and the note."""
    info = info or ClaimInfo.of(result.id)
    lead = "Untestable with available data" if result.verdict == UNTESTABLE else result.verdict.capitalize()
    lines = [f":::{{admonition}} Verdict on {result.id}: {result.verdict}",
             f":class: verdict {verdict_class(result.verdict)}", "",
             f"**{lead}.** {why(result)}", ""]
    if result.verdict == UNTESTABLE:
        if result.statistic.value is not None:
            lines += [f"*Context, not decisive:* {deciding_text(result, info)}. Sample: {sample_text(result)}.", ""]
    else:
        lines += [f"*Deciding number:* {deciding_text(result, info)}. Sample: {sample_text(result)}.", ""]
        review = review_text(result)
        if review:
            lines += [review, ""]
        if result.note:
            lines += [result.note, ""]
    lines.append(":::")
    return "\n".join(lines)


def review_text(result: ClaimResult) -> str:
    """What the results contract adds to a verdict (issue 13): the verdict under the registered
    rule of an amended claim, the minimum detectable effect, and a dated claim's verdicts when
    said and as of the reading date; empty when none applies."""
    parts = []
    if result.registered is not None:
        before = result.registered["verdict"]
        parts.append(f"*Under the registered rule:* {before}." if before != result.verdict
                     else "*The same under the registered rule.*")
    s = result.statistic
    if s.mde is not None:
        parts.append(f"Minimum detectable effect at 80% power: {s.mde:.2f} {s.unit}.".replace(" .", "."))
    if result.dated is not None:
        w, a = result.dated["when_said"], result.dated["as_of"]
        parts.append(f"When said ({result.dated['claim_date']}): {w['verdict']}; as of {a['date']}: {a['verdict']}.")
    return " ".join(parts)


def box_line(result: ClaimResult, info: ClaimInfo | None = None, link: str | None = None) -> str:
    """One line of a verdict box: the claim (linked), its verdict badge and why."""
    info = info or ClaimInfo.of(result.id)
    name = link or info.label
    return f"- **{name}** {badge(result.verdict)} {why(result)}"


def box(results: list[ClaimResult], title: str = "The verdicts in this chapter") -> str:
    """The chapter's verdict box (MyST): one line per claim, each linking to its section."""
    lines = [f":::{{admonition}} {title}", ":class: verdict-box", ""]
    for r in results:
        info = ClaimInfo.of(r.id)
        lines.append(box_line(r, info, link=f"{{ref}}`{info.label} <{r.section}>`"))
    lines += ["", "Each verdict follows the chapter's rule for the claim, fixed before the evidence; the "
              "callout at the end of each section gives the deciding number and its sample.", ":::"]
    return "\n".join(lines)
