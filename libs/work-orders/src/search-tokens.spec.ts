import { bigramSet, similarity, toSearchQuery, toSearchVector } from './search-tokens';

describe('search tokens', () => {
  it('indexes Chinese as positioned character pairs and Latin words whole', () => {
    expect(toSearchVector('路灯不亮', 'Wi-Fi 12315')).toBe("'路灯':1 '灯不':2 '不亮':3 'wi':4 'fi':5 '12315':6");
    expect(toSearchVector('灯')).toBe("'灯':1");
  });

  it('turns a query into adjacent-pair phrases joined by AND', () => {
    expect(toSearchQuery('噪音扰民')).toBe("('噪音' <-> '音扰' <-> '扰民')");
    expect(toSearchQuery('编号 777')).toBe("('编号') & ('777')");
    expect(toSearchQuery('，。!')).toBeNull();
  });

  it('quotes what the tsvector syntax would otherwise read as operators', () => {
    expect(toSearchQuery("o'brien")).toBe("('o') & ('brien')");
  });

  it('measures similarity of two wordings of the same matter', () => {
    const a = bigramSet('青得里大街 18 号门口的路灯已经坏了一个星期');
    expect(similarity(a, bigramSet('青得里大街 18 号门口的路灯坏了一个星期了'))).toBeGreaterThan(0.5);
    // A looser paraphrase scores lower: the intake check blocks only clear repeats, the agent decides the rest.
    expect(similarity(a, bigramSet('青得里大街18号门口路灯坏了一个星期了'))).toBeLessThan(0.5);
    expect(similarity(a, bigramSet('请问社保卡丢失后如何补办'))).toBeLessThan(0.1);
  });
});
