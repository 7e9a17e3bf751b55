"""The `--policy` grammar: named policies and rules over any set of scorers, parsed into a small tree.

    policy  := NAME | rule (';' rule)*          NAME: paper, topk, blip2 (NAMED_POLICIES)
    rule    := [target ':'] expr                target: web, synthetic, fallback (default: every text)
    expr    := term ('|' term)*                 | is OR (union)
    term    := factor ('&' factor)*             & is AND (intersection)
    factor  := SCORER OP NUMBER                 OP: >= > <= <, e.g. itm>=0.5, clip>0.28
             | 'top' INT '(' SCORER ')'         the INT best of the texts the rule names, in this image
             | 'top' NUMBER '%' '(' SCORER ')'  the texts in the corpus' top NUMBER% by the scorer (global)
             | 'all' | 'none' | '(' expr ')'

A text no rule names is dropped; a text several rules name must pass all of them. `fallback:` names the
synthetic captions of an image whose web text was dropped (raw where it is good, synthetic otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

TARGETS = ("web", "synthetic", "fallback")
OPERATORS = (">=", "<=", ">", "<")
SCORER_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
TOKEN = re.compile(
    r"\s*(>=|<=|[<>()&|;:%]|[A-Za-z_][A-Za-z0-9_]*|[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)", re.I
)


class PolicyError(ValueError):
    """A --policy that does not parse or names an unknown scorer, with the reason."""


@dataclass(frozen=True)
class Threshold:
    scorer: str
    op: str
    value: float


@dataclass(frozen=True)
class TopK:
    scorer: str
    k: int


@dataclass(frozen=True)
class TopFraction:
    scorer: str
    percent: float


@dataclass(frozen=True)
class Constant:
    keep: bool


@dataclass(frozen=True)
class AllOf:
    parts: tuple


@dataclass(frozen=True)
class AnyOf:
    parts: tuple


@dataclass(frozen=True)
class Rule:
    target: str | None  # None: every text (web and synthetic)
    expr: object

    def names(self, kind: str) -> bool:
        """Does this rule judge texts of `kind` ('web', 'synthetic', 'fallback')?"""
        return self.target is None and kind != "fallback" or self.target == kind


# The named policies: each is a rule text built from the run's settings (threshold, top_k).
NAMED_POLICIES: dict[str, Callable[[float, int], str]] = {
    "paper": lambda threshold, k: f"itm>={threshold!r}",
    "topk": lambda threshold, k: f"top{k}(itm)",
    # BLIP-2 section 3.4: CLIP ViT-L/14 ranks T_w and every T_s of an image together, the best two kept
    # (fixed at two, as the paper; --top_k is topk's). Recommended with --num_captions 10, as BLIP-2.
    "blip2": lambda threshold, k: "top2(clip)",
}
# What a named policy needs from the run, said in the error or warning that names it.
NAMED_POLICY_HINTS = {
    "blip2": (
        "BLIP-2's recipe ranks by a CLIP scorer named clip: add --scorer clip=openai/clip-vit-large-patch14",
        "BLIP-2 generates --num_captions 10",
    ),
}


def expand(policy: str, threshold: float, k: int) -> str:
    """A named policy's rule text, or the policy itself."""
    named = NAMED_POLICIES.get(policy.strip())
    return named(threshold, k) if named else policy


def _tokens(text: str) -> list[str]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            raise PolicyError(f"--policy {text!r}: cannot read {text[position:].strip()!r}")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0

    def error(self, message: str) -> PolicyError:
        return PolicyError(f"--policy {self.text!r}: {message}")

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def next(self, what: str) -> str:
        """The next token, whatever it is; `what` names what was expected if there is none."""
        token = self.peek()
        if token is None:
            raise self.error(f"ends early (expected {what})")
        self.at += 1
        return token

    def take(self, literal: str) -> str:
        token = self.next(repr(literal))
        if token != literal:
            raise self.error(f"expected {literal!r}, found {token!r}")
        return token

    def rules(self) -> tuple[Rule, ...]:
        rules = [self.rule()]
        while self.peek() == ";":
            self.take(";")
            if self.peek() is not None:
                rules.append(self.rule())
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()!r}")
        return tuple(rules)

    def rule(self) -> Rule:
        target = None
        if self.at + 1 < len(self.tokens) and self.tokens[self.at + 1] == ":":
            target = self.next("a target").lower()
            if target not in TARGETS:
                raise self.error(f"unknown target {target!r}; choose {', '.join(TARGETS)}")
            self.take(":")
        return Rule(target, self.expr())

    def expr(self):
        parts = [self.term()]
        while self.peek() == "|":
            self.take("|")
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def term(self):
        parts = [self.factor()]
        while self.peek() == "&":
            self.take("&")
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def number(self) -> float:
        token = self.next("a number")
        try:
            return float(token)
        except ValueError:
            raise self.error(f"expected a number, found {token!r}") from None

    def factor(self):
        token = self.next("a condition")
        if token == "(":
            inner = self.expr()
            self.take(")")
            return inner
        if token.lower() in ("all", "none"):
            return Constant(token.lower() == "all")
        top = re.fullmatch(r"top(\d+)", token, re.I)
        if top or token.lower() == "top":
            amount = float(top.group(1)) if top else self.number()
            percent = self.peek() == "%"
            if percent:
                self.take("%")
            self.take("(")
            scorer = self.scorer_name(self.next("a scorer name"))
            self.take(")")
            if percent:
                if not 0 < amount <= 100:
                    raise self.error(f"top {amount:g}% must be in (0, 100]")
                return TopFraction(scorer, amount)
            if amount != int(amount) or amount < 1:
                raise self.error(f"top {amount:g}({scorer}) needs a whole number of texts, at least 1")
            return TopK(scorer, int(amount))
        scorer = self.scorer_name(token)
        op = self.next("an operator")
        if op not in OPERATORS:
            raise self.error(f"expected one of {' '.join(OPERATORS)} after {scorer}, found {op!r}")
        return Threshold(scorer, op, self.number())

    def scorer_name(self, token: str) -> str:
        if not SCORER_NAME.match(token):
            raise self.error(f"{token!r} is not a scorer name")
        return token


def parse(text: str) -> tuple[Rule, ...]:
    """The rules of a policy text (a named policy expanded first by `expand`); raises PolicyError."""
    if not text.strip():
        raise PolicyError("--policy is empty")
    if SCORER_NAME.match(text.strip().lower()) and text.strip().lower() not in ("all", "none"):
        raise PolicyError(
            f"--policy {text.strip()!r} is no named policy ({', '.join(NAMED_POLICIES)}) nor a rule such as "
            "'itm>=0.5 & top30%(clip)' (docs/capfilt.md, Policies)"
        )
    rules = _Parser(text).rules()
    targets = [rule.target for rule in rules]
    if "fallback" in targets and ("synthetic" in targets or None in targets):
        raise PolicyError(
            f"--policy {text!r}: a fallback rule judges the synthetic captions, so it cannot go with a "
            "synthetic rule or an untargeted one"
        )
    return rules


def scorers_named(rules: tuple[Rule, ...]) -> set[str]:
    return {leaf.scorer for rule in rules for leaf in leaves(rule.expr) if hasattr(leaf, "scorer")}


def leaves(expr):
    if isinstance(expr, (AllOf, AnyOf)):
        for part in expr.parts:
            yield from leaves(part)
    else:
        yield expr


def fractions(rules: tuple[Rule, ...]) -> set[tuple[str, str, float]]:
    """(scorer, population, percent) of every global top-fraction condition; population is the kind of
    text the rule names: 'all' (web and synthetic), 'web' or 'synthetic' (also for fallback rules)."""
    found = set()
    for rule in rules:
        population = {None: "all", "fallback": "synthetic"}.get(rule.target, rule.target)
        for leaf in leaves(rule.expr):
            if isinstance(leaf, TopFraction):
                found.add((leaf.scorer, population, leaf.percent))
    return found


def show(expr) -> str:
    """The condition written back in the grammar (the policy column's text)."""
    if isinstance(expr, Threshold):
        return f"{expr.scorer}{expr.op}{expr.value:g}"
    if isinstance(expr, TopK):
        return f"top{expr.k}({expr.scorer})"
    if isinstance(expr, TopFraction):
        return f"top{expr.percent:g}%({expr.scorer})"
    if isinstance(expr, Constant):
        return "all" if expr.keep else "none"
    joiner = " & " if isinstance(expr, AllOf) else " | "
    return joiner.join(f"({show(p)})" if isinstance(p, (AllOf, AnyOf)) else show(p) for p in expr.parts)


def show_rules(rules: tuple[Rule, ...]) -> str:
    return "; ".join(
        f"{rule.target}: {show(rule.expr)}" if rule.target else show(rule.expr) for rule in rules
    )
