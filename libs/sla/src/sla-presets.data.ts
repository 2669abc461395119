import { RequestType } from './request-type';
import { RatingLevel, SlaPreset, slaPresetSchema } from './sla-preset.schema';
import { calendarDays, hours, sameDay, workingDays } from './sla-duration';

/*
 * The jurisdictions' rules, transcribed from shared/seeds (the table in docs/domain.md). This file is data:
 * it is validated and loaded into the `sla_presets` table at start. Never edit a published version in place;
 * add a new version so orders taken under the old one keep their deadlines.
 */

const FIVE_LEVELS = [
  RatingLevel.VerySatisfied,
  RatingLevel.Satisfied,
  RatingLevel.BasicallySatisfied,
  RatingLevel.Dissatisfied,
  RatingLevel.VeryDissatisfied,
];
const FIVE_LEVEL_DISSATISFIED = [RatingLevel.Dissatisfied, RatingLevel.VeryDissatisfied];

/** When a regulation names no scale, the national 政务服务"好差评" five levels are used. */
const NATIONAL_RATING = { levels: FIVE_LEVELS, dissatisfied: FIVE_LEVEL_DISSATISFIED, ratesIntakeSeparately: false, setByRegulation: false };

const sameForAll = <T>(value: T) => ({
  [RequestType.Consultation]: value,
  [RequestType.Help]: value,
  [RequestType.Complaint]: value,
  [RequestType.Report]: value,
  [RequestType.Suggestion]: value,
  [RequestType.Praise]: value,
});

export const SLA_PRESETS: readonly SlaPreset[] = [
  {
    code: 'bortala-2020',
    version: 1,
    name: '博尔塔拉蒙古自治州 12345 热线运行管理办法(试行) 2020',
    source: '博州政办发〔2020〕27号 第十三条、第十六至十八条',
    rules: {
      // 第十二条: "及时将工作流转单转至承办单位"; no number is given, the digest's 1 working day is the outer bound.
      dispatch: workingDays(1),
      sign: hours(8), // 8小时内签收
      firstContact: hours(24), // 24小时内作出响应并联系诉求人
      returnPolicy: { mode: 'window', within: workingDays(1) }, // 1个工作日内申请退回
      handling: {
        [RequestType.Consultation]: workingDays(5), // 政策咨询
        [RequestType.Help]: workingDays(5), // 服务诉求
        [RequestType.Suggestion]: workingDays(5), // 意见建议
        [RequestType.Complaint]: workingDays(15), // 投诉举报类
        [RequestType.Report]: workingDays(15),
        // Praise is forwarded for information; the regulation sets no handling limit for it.
        [RequestType.Praise]: null,
      },
      enterpriseHandling: null,
      // 延期办理以1次为限,延期的时限和办理期限相同
      extension: { maxRequests: 1, perRequest: { mode: 'equal_to_original' }, maxTotalWorkingDays: null },
      emergencyLinked: null,
      // 第十六条: 五级评分; 第十七条: 不满意、非常不满意 → 人工回访; 第十五条: 受理环节和办理环节分别评价
      rating: { levels: FIVE_LEVELS, dissatisfied: FIVE_LEVEL_DISSATISFIED, ratesIntakeSeparately: true, setByRegulation: true },
      replyToCaller: calendarDays(1), // 办结事项应在1日内将办理情况回复诉求人
      reminderAt: 0.75,
      categoryOverrides: {},
    },
  },
  {
    code: 'guizhou-2024',
    version: 1,
    name: '贵州省 12345 政务服务便民热线管理办法 2024',
    source: '贵州省 12345 热线管理办法(2024年3月1日起施行) 第十二、十三、十五条',
    rules: {
      dispatch: workingDays(1), // 第九条 即时派单; bounded by the digest's 1 working day
      sign: workingDays(1), // 第十五条 自收到诉求工单之日起1个工作日内签收
      firstContact: null,
      returnPolicy: { mode: 'objection_only' }, // 第十三条 对派单有异议的,可以提出,热线工作机构协调
      // 第十五条: 办理时限按照法律、法规、规章及国家和省有关规定执行 — set per category in categoryOverrides.
      handling: sameForAll(null),
      enterpriseHandling: null,
      extension: null,
      emergencyLinked: null, // 第八条: linkage with 110/119/120 and utilities, but no time limit
      rating: NATIONAL_RATING,
      replyToCaller: null,
      reminderAt: 0.75,
      categoryOverrides: {},
    },
  },
  {
    code: 'ningxia-2025',
    version: 1,
    name: '宁夏回族自治区 12345 政务服务便民热线运行管理办法(试行) 2025',
    source: '宁夏 12345 热线运行管理办法(试行), 2025-05',
    rules: {
      dispatch: workingDays(1), // 1个工作日内派发工单
      sign: workingDays(1), // 1个工作日内签收
      firstContact: null,
      returnPolicy: { mode: 'window', within: workingDays(1) }, // 1个工作日内退单
      handling: {
        [RequestType.Consultation]: workingDays(2), // 咨询类工单2个工作日内办结
        [RequestType.Help]: workingDays(5), // 求助、投诉、举报、建议类工单5个工作日内办结
        [RequestType.Complaint]: workingDays(5),
        [RequestType.Report]: workingDays(5),
        [RequestType.Suggestion]: workingDays(5),
        [RequestType.Praise]: null, // 表扬 is accepted but has no handling limit in the text
      },
      enterpriseHandling: null,
      // 延期时限不超过5个工作日,延期申请不超过2次
      extension: { maxRequests: 2, perRequest: { mode: 'max_working_days', days: 5 }, maxTotalWorkingDays: null },
      // 自收到后2小时内处理,2日内办结
      emergencyLinked: { respond: hours(2), finish: calendarDays(2) },
      rating: {
        levels: [RatingLevel.VerySatisfied, RatingLevel.Satisfied, RatingLevel.Dissatisfied], // 非常满意、满意、不满意
        dissatisfied: [RatingLevel.Dissatisfied],
        ratesIntakeSeparately: false,
        setByRegulation: true,
      },
      replyToCaller: null,
      reminderAt: 0.75,
      categoryOverrides: {},
    },
  },
  {
    code: 'city-rules',
    version: 1,
    name: '某市 12345 政务服务便民热线工作规则',
    source: '某市 12345 热线工作规则 第五、七条',
    rules: {
      dispatch: workingDays(1), // 第五条 第一时间登记, 及时形成转办工单
      sign: null, // not set
      firstContact: null,
      returnPolicy: { mode: 'unregulated' },
      handling: sameForAll(workingDays(5)), // 群众诉求一般应在5个工作日内办理完毕
      enterpriseHandling: sameForAll(workingDays(15)), // 企业诉求应在15个工作日内
      // 延期时限一般不超过10个工作日
      extension: { maxRequests: null, perRequest: { mode: 'unregulated' }, maxTotalWorkingDays: 10 },
      emergencyLinked: null,
      rating: NATIONAL_RATING,
      replyToCaller: sameDay(), // 于当天将办件结果反馈
      reminderAt: 0.75,
      categoryOverrides: {},
    },
  },
].map((preset) => Object.freeze(slaPresetSchema.parse(preset)));
