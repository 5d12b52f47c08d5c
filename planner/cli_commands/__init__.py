"""The commands of `planner`, by group; `planner.cli` builds the parser from them and runs them.

- `territory`: `check`, `data import|epci|builtins`, `roads fetch|info|clear`;
- `plans`: `plan`, `replan`, `move` (a plan written to an output folder);
- `publishing`: `publish`, `feeds`, `history`, `diff`, `tokens list|revoke` (a workspace's versions);
- `study`: `study`;
- `output`: what several commands print the same way;
- `progress`: the progress of long commands (a bar on a terminal, plain lines elsewhere).

Each group has ``add_…`` functions that declare its commands and their arguments (types from
`planner.cli_args`), and ``_cmd_…`` functions that run one command by calling the library. Like
`planner.cli`, these modules import only `planner` and the stages' faces (`planner.inputs`,
`planner.publish`…), never a stage's module; a command imports what it calls when it runs, so that
`planner --help` and `planner check` load no solver.
"""
