"""Pure-Python analysis of elimination-diet diaries: no Django import anywhere in this package.

Where things are (import from the module; this file stays empty on purpose):
- `diary`: the input dataclasses `ProgramFacts`, `ChallengeFacts`, `Dose`, `DayEntry`,
  `Patient`, `DiaryDocument`.
- `verdicts`: `analyze_program(program, entries, today=None) -> list[ChallengeResult]` and
  `analyze_document(doc)`; `results` holds `ChallengeResult`, `SymptomEvidence`,
  `ExcludedDay` (each with `to_dict()`).
- `exchange`: the `dietplanner-diary` v1 format: `parse_document(dict)`, `dump_document(doc)`,
  `parse_json(text)`, `dump_json(doc)`, `DiaryFormatError(errors)`.
- `vocabulary`: the clinic's slugs. The method is explained in docs/analysis.md.
"""
