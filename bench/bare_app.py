"""The baseline: a bare Textual app (Header, DataTable, Footer) with a few rows.

Run as a script (``python bench/bare_app.py``), never imported: the bench
package is not loaded into the baseline process.
"""

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

COLUMNS = ("支部", "书记", "党员", "正式/预备", "正式党员比例", "基线表头")
MARKER = COLUMNS[-1]


class BareApp(App):
    BINDINGS = [("ctrl+q", "quit", "退出")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "bare"
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        for n in range(8):
            table.add_row(f"居民{n + 1}支部", "张三", "10", "9/1", "90%", "3/3")


if __name__ == "__main__":
    BareApp().run()
