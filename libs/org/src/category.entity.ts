/** A matter category (事项分类) of the classification tree orders are filed under, e.g. market.consumer. */
export interface Category {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
}

export interface NewCategory {
  code: string;
  name: string;
  parentId: string | null;
}
