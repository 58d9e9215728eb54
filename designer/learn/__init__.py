"""Exercises: files that set a student a task, the checks that grade their project, and feedback that says what
to change without handing over the answer (`exercise_files`, `checks`, `grading`). May train through
`designer.training`; no Qt."""
