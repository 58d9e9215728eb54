"""The window's part in training health: the findings of the run shown as badges on the layers they are about,
and a fix clicked in the Health tab applied to the project as one undo step (`designer.core.fixes`).

A mixin of `MainWindow`, like `window_data`: it uses the window's `project`, `editors`, `training_panel`,
`run_command` and `show_message`.
"""

from __future__ import annotations

from designer.core.fixes import FixError, fix_command

APPLIED = "Applied as one step (Edit → Undo takes it back). Train again to see whether it helps."


class TrainingHealthMixin:
    def _init_health(self) -> None:
        self.findings: list = []
        self.training_panel.fix_requested.connect(self.apply_fix)
        self.training_panel.findings_changed.connect(self.show_findings)

    def show_findings(self, findings: list) -> None:
        """Badges on the nodes the findings name (by graph role and layer name); the others lose theirs."""
        self.findings = list(findings)
        for editor in self.editors:
            by_node: dict[str, list] = {}
            for finding in self.findings:
                if finding.layer and finding.role == editor.graph.role and finding.layer in editor.graph.names():
                    node = editor.graph.node_by_name(finding.layer)
                    by_node.setdefault(node.id, []).append(finding)
            editor.scene.set_findings(by_node)

    def apply_fix(self, fix) -> str | None:
        """Apply a fix a finding offers; None when done, else why not (said on the finding's card too)."""
        health = self.training_panel.insights.health if self.training_panel.insights else None
        try:
            command, role = fix_command(self.project, fix)
        except FixError as error:
            refusal = str(error)
        else:
            if role is not None:
                editor = next(e for e in self.editors if e.graph.role == role)
                self.tabs.setCurrentWidget(editor)
                refusal = self.run_command(command, editor.graph)
            else:
                refusal = self.run_command(command)
        if refusal is not None:
            if health is not None:
                health.fix_refused(fix, refusal)
            return refusal
        card = health.fix_applied(fix, APPLIED) if health is not None else None
        if card is not None:  # its layer's badge goes; the others stay until the next run says more
            self.show_findings([f for f in self.findings if f.ident != card.finding.ident])
        self.show_message(f"{fix.label}: done. Train again (F5) to see whether it helps.")
        return None
