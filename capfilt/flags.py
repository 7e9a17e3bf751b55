"""The strict argument parser every command line of the project builds on.

A misspelt flag must stop a run before it starts, never be dropped (Beam's "Discarding unparseable args")
or silently guessed:
- an unknown flag fails at once with one line naming it and the nearest valid one,
  `prog: error: unknown flag --inputt (did you mean --input?)`, exit status 2;
- no prefix abbreviations: `--thresh` never means `--itm_threshold`;
- every error, argparse's own included, is one line `prog: error: message` on stderr, exit status 2;
- help shows each flag's default (and its choices, as argparse's `{a,b}`).

It is also the one way a config dataclass becomes flags (`add_dataclass_arguments`, `dataclass_from_args`):
each field is one `--name` flag whose type, default, choices, help and `--help` section come from the field
(its annotation, default and `option(...)` metadata), so a default is stated once, in the dataclass.

It lives in `capfilt/`, the lowest layer every command line may import (models, pipelines, capfilt.world and
the benchmarks), and imports nothing but the standard library, so a command line pays nothing for it.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import difflib
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn

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

    def _format_action_invocation(self, action):
        if isinstance(action, BoolFlag):  # "--x[=BOOL], --no-x", not "--x [BOOL], --no-x [BOOL]"
            yes, *others = action.option_strings
            return ", ".join([f"{yes}[=BOOL]", *others])
        return super()._format_action_invocation(action)

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
        if isinstance(action.default, str) and (
            not action.default or action.default != action.default.strip()
        ):
            return repr(action.default)  # "" or "a picture of ": the quotes show what is there
        if isinstance(action.default, (tuple, list)):  # a list flag's default, as it is typed
            return ",".join(map(str, action.default)) or "''"
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


# --- config dataclasses as flags -------------------------------------------------------------------------


def option(
    default: Any = dataclasses.MISSING,
    help: str = "",
    choices: Sequence[Any] | None = None,
    *,
    default_factory: Any = dataclasses.MISSING,
    aliases: Sequence[str] = (),
    parse: Callable[[str], Any] | None = None,
    show: Callable[[Any], str] | None = None,
) -> Any:
    """A config field that is also a flag: its help, its choices and other spellings of the flag (`aliases`,
    e.g. img2dataset's names) ride in the field's metadata, read by `add_dataclass_arguments`.

    A field without a default is a required flag. A field whose type is no plain converter (e.g. a dict)
    names its own: `parse` turns the flag's text into the value (a ValueError it raises is the one-line
    error), `show` writes the default the way it is typed (for --help)."""
    metadata: dict[str, Any] = {"help": help}
    if choices:
        metadata["choices"] = tuple(choices)
    if aliases:
        metadata["aliases"] = tuple(aliases)
    if parse is not None:
        metadata["parse"] = parse
        metadata["show"] = show or str
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {value!r}")


_NO_VALUE = object()  # what argparse passes a BoolFlag given alone (`--x`, `--no-x`)


class BoolFlag(argparse.Action):
    """A bool field: `--x` or `--x=true` sets it, `--x=false` or `--no-x` clears it."""

    def __init__(self, option_strings, dest, default=False, help=None, **kwargs):
        # --no-no_download would read as a riddle: a flag already named no_... gets no negation
        negated = [f"--no-{flag[2:]}" for flag in option_strings[:1] if not flag[2:].startswith("no_")]
        super().__init__(
            [*option_strings, *negated], dest, nargs="?", const=_NO_VALUE, default=default, type=parse_bool,
            metavar="BOOL", help=help, **kwargs,
        )  # fmt: skip
        self.negated = set(negated)

    def __call__(self, parser, namespace, values, option_string=None):
        if option_string in self.negated:
            if values is not _NO_VALUE:
                parser.error(f"{option_string} takes no value")
            values = False
        setattr(namespace, self.dest, True if values is _NO_VALUE else values)


def comma_list(value: str) -> tuple[str, ...]:
    """A list flag's value: comma-separated items, blanks dropped ("" is the empty list)."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


def _flag_type(annotation: Any) -> tuple[Any, bool]:
    """(the callable argparse converts one value with, whether the field is a list) for a field's type;
    `X | None` converts like X (None is only ever the default)."""
    hint = annotation
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if typing.get_origin(hint) in (tuple, list):
        return comma_list, True
    return hint, False


def _typed_parser(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """`parse` as an argparse type: its ValueError's message is the error line (argparse would print only
    "invalid <name> value")."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


def _default_of(field: dataclasses.Field) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return None


def add_dataclass_arguments(
    parser: argparse.ArgumentParser,
    settings_class: type,
    overrides: Mapping[str, Any] | None = None,
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    choices: Mapping[str, Sequence[str]] | None = None,
    other_group: str | None = None,
    dashed: bool = False,
) -> None:
    """One `--name` flag per field of `settings_class`, typed by its annotation, defaulting to its default.

    Help, choices and aliases come from the field's metadata (`option`); bools take `--x`, `--x=false` and
    `--no-x`; a tuple/list field is one comma-separated value. `groups` titles `--help` sections by field
    name, the fields in none go under `other_group` (default: the class's name); `choices` adds choices
    known only at run time (e.g. registered engines); `overrides` are a command's own defaults (a model's
    recipe) for fields it shares with others. A section whose title the parser already has (e.g. argparse's
    own "options") is that one. `dashed` spells `--image-size` for the field `image_size` (a few older
    command lines are spelt so).
    """
    hints = typing.get_type_hints(settings_class)
    overrides = overrides or {}
    group_of = {name: title for title, names in (groups or {}).items() for name in names}
    fields = dataclasses.fields(settings_class)
    title_of = {f.name: group_of.get(f.name, other_group or settings_class.__name__) for f in fields}
    # sections in the order `groups` declares them, the ungrouped fields' section last
    titles = [t for t in (groups or {}) if t in title_of.values()]
    titles += [t for t in dict.fromkeys(title_of.values()) if t not in titles]
    existing = {group.title: group for group in parser._action_groups}
    sections = {title: existing.get(title) or parser.add_argument_group(title) for title in titles}
    for field in fields:
        section = sections[title_of[field.name]]
        name = field.name.replace("_", "-") if dashed else field.name
        flags = [f"--{name}", *field.metadata.get("aliases", ())]
        default = overrides.get(field.name, _default_of(field))
        help_text = field.metadata.get("help", "")
        required = field.name not in overrides and (
            field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        kind, is_list = _flag_type(hints[field.name])
        if kind is bool:
            section.add_argument(*flags, dest=field.name, action=BoolFlag, default=default, help=help_text)
            continue
        metavar = "LIST" if is_list else None
        if "parse" in field.metadata:  # argparse converts a text default too: the help shows it as typed
            kind, metavar = _typed_parser(field.metadata["parse"]), name.upper()
            default = None if default is None else field.metadata["show"](default)
        allowed = (choices or {}).get(field.name) or field.metadata.get("choices")
        section.add_argument(
            *flags, dest=field.name, type=kind, default=default, choices=allowed, help=help_text,
            metavar=metavar, required=required,
        )  # fmt: skip


def dataclass_from_args(settings_class: type, args: argparse.Namespace | object):
    """The `settings_class` instance the parsed flags (a Namespace, or any object with those attributes,
    e.g. a Beam options view) describe."""
    return settings_class(**{f.name: getattr(args, f.name) for f in dataclasses.fields(settings_class)})


def parse_settings(
    settings_class: type,
    argv: Sequence[str] | None = None,
    *,
    prog: str,
    description: str | None = None,
    dashed: bool = False,
    **parser_kwargs: Any,
):
    """A command line whose flags are exactly `settings_class`'s fields (a benchmark's, say): parse `argv`
    (default: sys.argv) into an instance; a ValueError from the dataclass's own checks is the one-line
    error, like a bad flag's."""
    parser = StrictArgumentParser(prog=prog, description=description, **parser_kwargs)
    add_dataclass_arguments(parser, settings_class, other_group=parser._optionals.title, dashed=dashed)
    args = parser.parse_args(argv)
    try:
        return dataclass_from_args(settings_class, args)
    except ValueError as error:
        parser.error(str(error))


def add_subcommand(subparsers, name: str, help: str, description: str | None = None, run=None, **kwargs):
    """Register one subcommand the one way every `models.*` command does: its parser (strict, like its
    parent), one-line `help` for the parent's list, a `description` for its own `--help`, and the
    function `main` calls with the parsed flags (`args.run(args)`)."""
    parser = subparsers.add_parser(name, help=help, description=description or help, **kwargs)
    if run is not None:
        parser.set_defaults(run=run)
    return parser
