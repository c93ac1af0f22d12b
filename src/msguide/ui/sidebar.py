"""The sidebar: a plain tree of entries (All, Favourites, audiences, …) and its model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from msguide.store.browse import SidebarData
from msguide.store.search import Filters

KeyRole = Qt.ItemDataRole.UserRole + 1
FiltersRole = Qt.ItemDataRole.UserRole + 2
PathwayRole = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class SidebarNode:
    """One sidebar row; `filters` is None for section headings, which cannot be chosen, and
    for pathways (`pathway` is (source, id)), which open in the detail pane (ui/pathways.py)."""

    key: str
    label: str
    count: int | None = None
    description: str = ""
    filters: Filters | None = None
    pathway: tuple[str, str] | None = None
    children: list[SidebarNode] = field(default_factory=list)
    parent: SidebarNode | None = None

    def add(self, child: SidebarNode) -> SidebarNode:
        child.parent = self
        self.children.append(child)
        return child

    @property
    def heading(self) -> bool:
        return self.filters is None and self.pathway is None

    def row(self) -> int:
        return 0 if self.parent is None else self.parent.children.index(self)

    def find(self, key: str) -> SidebarNode | None:
        if self.key == key:
            return self
        for child in self.children:
            found = child.find(key)
            if found is not None:
                return found
        return None


def build_tree(data: SidebarData) -> SidebarNode:
    root = SidebarNode("root", "")
    if data.pathways:
        section = root.add(SidebarNode("section:pathways", "What to do now"))
        for entry in data.pathways:
            section.add(
                SidebarNode(
                    f"pathway:{entry.key}",
                    entry.title,
                    description=entry.summary,
                    pathway=(entry.source, entry.id),
                )
            )
    root.add(SidebarNode("all", "All", data.total, "Everything in msguide", Filters()))
    root.add(
        SidebarNode(
            "favourites",
            "Favourites",
            data.favourites,
            "Items you marked with Favourite (Ctrl+D)",
            Filters(favourites=True),
        )
    )
    root.add(
        SidebarNode(
            "recent",
            "Recently viewed",
            data.recent,
            "Items you opened recently, newest first",
            Filters(recent=True),
        )
    )
    root.add(
        SidebarNode(
            "contacts",
            "Contacts & helplines",
            data.contacts,
            "Helplines and referral lines",
            Filters(kind="contact"),
        )
    )
    root.add(
        SidebarNode(
            "news", "News", data.news, "The latest news, newest first", Filters(kind="news")
        )
    )
    if data.offline:
        root.add(
            SidebarNode(
                "offline",
                "Available offline",
                data.offline,
                "Items whose documents are on this computer: they open with no network",
                Filters(offline=True),
            )
        )
    for key, heading, entries in (
        ("audiences", "Audiences", data.audiences),
        ("categories", "Categories", data.categories),
    ):
        if not entries:
            continue
        section = root.add(SidebarNode(f"section:{key}", heading))
        for taxon, count in entries:
            if key == "audiences":
                node = SidebarNode(
                    f"audience:{taxon.id}",
                    taxon.label,
                    count,
                    taxon.description,
                    Filters(audience=taxon.id),
                )
            else:
                node = SidebarNode(
                    f"category:{taxon.id}",
                    taxon.label,
                    count,
                    taxon.description,
                    Filters(category=taxon.id),
                )
            section.add(node)
    if len(data.sources) > 1:
        section = root.add(SidebarNode("section:sources", "Sources"))
        for source in data.sources:
            section.add(
                SidebarNode(
                    f"source:{source.id}",
                    source.name,
                    source.count,
                    f"Content published by {source.name}",
                    Filters(source=source.id),
                )
            )
    return root


class SidebarModel(QAbstractItemModel):
    """Read-only tree model over `SidebarNode`s (one column)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.root = SidebarNode("root", "")

    def set_data(self, data: SidebarData) -> None:
        self.beginResetModel()
        self.root = build_tree(data)
        self.endResetModel()

    def node(self, index: Index) -> SidebarNode:
        if index.isValid():
            node = index.internalPointer()
            assert isinstance(node, SidebarNode)
            return node
        return self.root

    def index_for_key(self, key: str) -> QModelIndex:
        node = self.root.find(key)
        if node is None or node is self.root:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        owner = self.node(parent)
        if column != 0 or not 0 <= row < len(owner.children):
            return QModelIndex()
        return self.createIndex(row, 0, owner.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = self.node(index).parent
        if parent is None or parent is self.root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.node(index).heading:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return node.label if node.count is None else f"{node.label} ({node.count})"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if node.pathway is not None:
                return node.label
            if node.count is None:
                return f"{node.label}, section"
            noun = "item" if node.count == 1 else "items"
            return f"{node.label}, {node.count} {noun}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            return node.description or None
        if role == Qt.ItemDataRole.FontRole and node.heading:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == KeyRole:
            return node.key
        if role == FiltersRole:
            return node.filters
        if role == PathwayRole:
            return node.pathway
        return None
