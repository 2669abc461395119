import desk from './zh-CN.desk';
/** Simplified Chinese, the default. Every other locale is typed against this one, so none can miss a key. */
const zhCN = {
  ...desk,
  app: {
    title: '12345 政务服务便民热线 · 系统状态',
    shortTitle: '12345 热线',
    language: '语言',
  },
  live: {
    connecting: '正在连接实时事件',
    live: '实时更新中',
    reconnecting: '实时连接中断，正在重连',
  },
  health: {
    title: '系统组件',
    checkedAt: '检查于 {time}',
    refresh: '立即检查',
    unreachable: '无法连接到服务端：{reason}',
    alarm: '告警（{time}）：{message}',
    alarmLostCalls: '中断通话 {count} 个，已标记为 asterisk_restart',
    up: '正常',
    down: '故障',
    unknown: '未知',
    latency: '响应 {ms} 毫秒',
    version: '版本 {version}',
    components: {
      postgres: { name: 'PostgreSQL', role: '业务数据库' },
      redis: { name: 'Redis', role: '实时状态与事件' },
      ari: { name: 'Asterisk ARI', role: '呼叫控制接口' },
      ami: { name: 'Asterisk AMI', role: '管理接口' },
    },
  },
  calls: {
    loginToSee: '通话记录含个人信息，登录后可查看',
    title: '最近通话',
    count: '共 {count} 通',
    empty: '暂无通话记录',
    loadFailed: '通话记录加载失败：{reason}',
    columns: {
      caller: '主叫号码',
      dialed: '被叫号码',
      status: '状态',
      startedAt: '开始时间',
      duration: '时长',
      hangupCause: '挂机原因',
    },
    unknownCaller: '未显示号码',
    ongoing: '进行中',
    status: {
      ringing: '振铃中',
      answered: '通话中',
      ended: '已结束',
    },
  },
  timeline: {
    title: '通话事件',
    empty: '暂无事件',
    started: '来电接入：{caller} → {dialed}',
    answered: '已接听',
    dtmf: '按键 {digit}',
    ended: '通话结束：{cause}',
    other: '事件 {type}',
    serviceRated: '满意度评价：{level}',
    serviceNotRated: '满意度评价：未评价',
  },
  hangupCause: {
    '1': '空号',
    '16': '正常挂机',
    '17': '用户忙',
    '18': '用户无响应',
    '19': '无人接听',
    '21': '呼叫被拒绝',
    '27': '目的地故障',
    '28': '号码格式错误',
    '31': '正常结束',
    '34': '无可用线路',
    '38': '网络故障',
    '41': '临时故障',
    '102': '超时',
    '127': '互通错误',
    unknown: '未知原因',
  },
  notFound: {
    title: '页面不存在',
    description: '您访问的地址 {path} 不存在。',
    back: '返回系统状态',
  },
};

export type MessageSchema = typeof zhCN;

export default zhCN;
