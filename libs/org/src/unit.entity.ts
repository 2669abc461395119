export enum UnitKind {
  Centre = 'centre', // the hotline centre (热线工作机构)
  Management = 'management', // the management body (热线管理机构) that settles what the centre cannot
  City = 'city',
  District = 'district',
  Bureau = 'bureau', // 委办局
  Street = 'street', // 街道办 / 乡镇
  Utility = 'utility', // 水电气热 etc.
}

/** A handling unit or the centre itself; units form a tree (city → district → bureau or street office). */
export interface Unit {
  id: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  regionCode: string | null;
  active: boolean;
}

export interface UnitTreeNode extends Unit {
  children: UnitTreeNode[];
}

export function buildUnitTree(units: readonly Unit[]): UnitTreeNode[] {
  const nodes = new Map(units.map((unit) => [unit.id, { ...unit, children: [] as UnitTreeNode[] }]));
  const roots: UnitTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: UnitTreeNode[]) => {
    list.sort((a, b) => a.code.localeCompare(b.code));
    list.forEach((node) => sort(node.children));
  };
  sort(roots);
  return roots;
}
