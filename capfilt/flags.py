"""The strict argument parser every command line of the project builds on.

A misspelt flag must stop a run before it starts, never be dropped (Beam's "Discarding unparseable args")
or silently guessed:
- an unknown flag fails at once with one line naming it and the nearest valid one,
  `prog: error: unknown flag --inputt (did you mean --input?)`, exit status 2;
- no prefix abbreviations: `--thresh` never means `--itm_threshold`;
- every error, argparse's own included, is one line `prog: error: message` on stderr, exit status 2;
- help shows each flag's default (and its choices, as argparse's `{a,b}`).

It lives in `models/` because that is the one package every entry point may import (`models` imports only
`schemas`; `pipelines`, `capfilt` and the benchmarks import `models`), and it imports nothing but the
standard library, so a command line pays nothing for it.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import sys
from collections.abc import Iterable, Sequence
from typing import NoReturn

# argparse's own status for a usage error; every entry point exits with it on a bad argument or file.
USAGE_ERROR = 2
_NO_DEFAULT_SHOWN = (
    argparse._StoreTrueAction,
    argparse._StoreFalseAction,
    argparse._HelpAction,
    argparse._VersionAction,
    argparse._StoreConstAction,
)


def report_error(prog: str, message: object) -> None:
    """Print `prog: error: message` as one line on stderr (newlines in the message are folded)."""
    line = " ".join(str(message).split())
    print(f"{prog}: error: {line}", file=sys.stderr, flush=True)


def fail(prog: str, message: object) -> NoReturn:
    """Report a bad argument or file the one way every entry point does, and exit with status 2."""
    report_error(prog, message)
    raise SystemExit(USAGE_ERROR)


def closest_flag(flag: str, known: Iterable[str]) -> str | None:
    """The valid flag a misspelt or abbreviated `flag` most likely meant, if any is close."""
    known = sorted(set(known))
    spelled = flag.replace("-", "_")
    same = [k for k in known if k.replace("-", "_") == spelled]
    if same:  # --batch-size for --batch_size
        return same[0]
    longer = [k for k in known if k.startswith(flag)]
    if longer:  # an abbreviation: the flag it is closest to
        return difflib.get_close_matches(flag, longer, n=1, cutoff=0.0)[0]
    close = difflib.get_close_matches(flag, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _is_flag(token: str) -> bool:
    if not token.startswith("-") or token in ("-", "--"):
        return False
    try:  # a negative number is a value
        float(token)
        return False
    except ValueError:
        return True


def unknown_arguments_message(extras: Sequence[str], known: Iterable[str]) -> str:
    """What is wrong with arguments no parser took: each unknown flag with its likely meaning."""
    known = list(known)
    problems, after_flag = [], False
    for token in extras:
        if _is_flag(token):
            name = token.split("=", 1)[0]
            hint = closest_flag(name, known)
            problems.append(f"unknown flag {name}" + (f" (did you mean {hint}?)" if hint else ""))
            after_flag = True
        elif not after_flag and token != "--":
            problems.append(f"unexpected argument {token!r}")
        # a value right after an unknown flag belongs to it: the flag is the problem
    return "; ".join(dict.fromkeys(problems))


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions keep their line breaks; every flag's help ends with its default unless it names it."""

    def _format_action(self, action):
        if not action.help and self._default_text(action):  # an undocumented flag still shows its default
            action = copy.copy(action)
            action.help = self._get_help_string(action)
        return super()._format_action(action)

    def _get_default_metavar_for_optional(self, action):
        # "--batch_size INT" says more, and wraps less, than "--batch_size BATCH_SIZE"
        return {int: "INT", float: "FLOAT"}.get(action.type) or super()._get_default_metavar_for_optional(
            action
        )

    def _get_help_string(self, action):
        text = (action.help or "").strip()
        default = self._default_text(action)
        if default and "(default" not in text.lower() and "default:" not in text.lower():
            text = f"{text} (default: {default.replace('%', '%%')})".strip()
        return text

    @staticmethod
    def _default_text(action) -> str:
        if (
            not action.option_strings
            or action.help is argparse.SUPPRESS
            or action.default in (None, argparse.SUPPRESS)
            or isinstance(action, _NO_DEFAULT_SHOWN)
        ):
            return ""
        if isinstance(action.default, str) and action.default != action.default.strip():
            return repr(action.default)  # "" or "a picture of ": the quotes show what is there
        return str(action.default)


class _MissingRequired(Exception):
    """argparse found a required flag missing; an unknown flag (perhaps that one, misspelt) says more."""

    def __init__(self, prog: str, message: str):
        super().__init__(message)
        self.prog, self.message = prog, message


class StrictArgumentParser(argparse.ArgumentParser):
    """argparse with exact flags only: unknown ones fail with a suggestion, errors are one line, exit 2.

    Subcommand parsers (`add_subparsers().add_parser(...)`) are of this class too, so a whole tree of
    subcommands is strict.
    """

    def __init__(self, *args, allow_abbrev: bool = False, formatter_class=HelpFormatter, **kwargs):
        super().__init__(*args, allow_abbrev=allow_abbrev, formatter_class=formatter_class, **kwargs)

    def error(self, message: str) -> NoReturn:
        if message.startswith("the following arguments are required"):
            raise _MissingRequired(self.prog, message)
        fail(self.prog, message)

    def parse_known_args(self, args=None, namespace=None):
        try:
            return super().parse_known_args(args, namespace)
        except _MissingRequired as missing:
            # `--checkpont c` should be named as a misspelling, not reported as a missing --checkpoint.
            required = [action for action in self._actions if action.required]
            for action in required:
                action.required = False
            try:
                _, extras = super().parse_known_args(args, copy.copy(namespace))
            finally:
                for action in required:
                    action.required = True
            if any(_is_flag(token) for token in extras):
                self.reject_unknown(extras)
            fail(missing.prog, missing.message)

    def parse_args(self, args=None, namespace=None):
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            self.active_parser(namespace).reject_unknown(extras)
        return namespace

    def active_parser(self, namespace: argparse.Namespace) -> StrictArgumentParser:
        """The (sub)parser that parsed the last arguments: the one whose flags a misspelling meant."""
        parser = self
        while True:
            chosen = None
            for action in parser._actions:
                if isinstance(action, argparse._SubParsersAction):
                    chosen = action.choices.get(getattr(namespace, action.dest, None) or "")
            if not isinstance(chosen, StrictArgumentParser):
                return parser
            parser = chosen

    def known_flags(self) -> list[str]:
        return [flag for action in self._actions for flag in action.option_strings if flag.startswith("--")]

    def reject_unknown(self, extras: Sequence[str], also_known: Iterable[str] = ()) -> NoReturn:
        """Stop on arguments nothing accepts; `also_known` are other valid flags (e.g. Beam's) to suggest."""
        self.error(unknown_arguments_message(extras, [*self.known_flags(), *also_known]))
