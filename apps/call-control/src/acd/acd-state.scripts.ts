/**
 * The ACD's decisions that must be atomic across processes, as Redis Lua scripts: a script runs alone, so
 * between reading "this agent is ready and this caller waits" and writing "offered", nothing else happens.
 * That is what guarantees no agent gets two calls and no call two agents, with any number of call-control
 * processes. Keys: <P>:agent:<id> (hash), <P>:ready:<skill> (zset, score = ready-since ms: longest idle
 * first), <P>:queue:<skill> (zset, score = rank: priority class, then arrival), <P>:entry:<id> (hash),
 * <P>:agents (set of logged-in agents), <P>:seat:<seat> (agent at that seat), <P>:skills (set).
 * P carries a {hash tag} so every key lands in one Redis Cluster slot.
 */

const COMMON = `
local P = ARGV[1]
local function agentKey(id) return P .. ':agent:' .. id end
local function entryKey(id) return P .. ':entry:' .. id end
local function skillsOf(id)
  local raw = redis.call('HGET', agentKey(id), 'skills')
  if not raw then return {} end
  return cjson.decode(raw)
end
local function leaveReady(id)
  for skill, _ in pairs(skillsOf(id)) do redis.call('ZREM', P .. ':ready:' .. skill, id) end
end
local function joinReady(id, since)
  redis.call('HSET', agentKey(id), 'state', 'ready', 'readySince', since)
  for skill, _ in pairs(skillsOf(id)) do redis.call('ZADD', P .. ':ready:' .. skill, since, id) end
end
`;

/** ARGV: P, agentId, seat, skillsJson, name, now → {previousState} or error reply. */
export const LOGIN = `${COMMON}
local id, seat, skills, name, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local state = redis.call('HGET', agentKey(id), 'state') or 'logged_out'
local currentSeat = redis.call('HGET', agentKey(id), 'seat')
if state ~= 'logged_out' and currentSeat ~= seat then return redis.error_reply('AGENT_LOGGED_IN_ELSEWHERE ' .. (currentSeat or '')) end
local holder = redis.call('GET', P .. ':seat:' .. seat)
if holder and holder ~= id then return redis.error_reply('SEAT_TAKEN ' .. holder) end
if state == 'ringing' or state == 'on_call' then return {state} end
redis.call('SET', P .. ':seat:' .. seat, id)
leaveReady(id)
redis.call('HSET', agentKey(id), 'state', 'not_ready', 'reason', 'login', 'seat', seat, 'skills', skills, 'name', name, 'since', now, 'readySince', now)
redis.call('HDEL', agentKey(id), 'nextState', 'entryId', 'callId', 'agentChannelId', 'wrapUntil')
redis.call('SADD', P .. ':agents', id)
return {state}
`;

/** ARGV: P, agentId, now → {previousState} or error BUSY. */
export const LOGOUT = `${COMMON}
local id, now = ARGV[2], ARGV[3]
local state = redis.call('HGET', agentKey(id), 'state') or 'logged_out'
if state == 'ringing' or state == 'on_call' then return redis.error_reply('AGENT_BUSY ' .. state) end
leaveReady(id)
local seat = redis.call('HGET', agentKey(id), 'seat')
if seat then redis.call('DEL', P .. ':seat:' .. seat) end
redis.call('HSET', agentKey(id), 'state', 'logged_out', 'since', now)
redis.call('HDEL', agentKey(id), 'seat', 'nextState', 'reason', 'wrapUntil')
redis.call('SREM', P .. ':agents', id)
return {state}
`;

/**
 * ARGV: P, agentId, target (ready|not_ready), reason, now → {previousState, newState}. From ringing or
 * on_call the change is deferred to the end of the call (nextState) and newState is "deferred".
 */
export const SET_STATE = `${COMMON}
local id, target, reason, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local state = redis.call('HGET', agentKey(id), 'state') or 'logged_out'
if state == 'logged_out' then return redis.error_reply('AGENT_LOGGED_OUT') end
if state == 'ringing' or state == 'on_call' then
  redis.call('HSET', agentKey(id), 'nextState', target, 'nextReason', reason)
  return {state, 'deferred'}
end
if state == target and target == 'ready' then return {state, state} end
if target == 'ready' then
  joinReady(id, now)
  redis.call('HSET', agentKey(id), 'reason', '', 'since', now)
else
  leaveReady(id)
  redis.call('HSET', agentKey(id), 'state', 'not_ready', 'reason', reason, 'since', now)
end
redis.call('HDEL', agentKey(id), 'nextState', 'nextReason', 'wrapUntil')
return {state, target}
`;

/**
 * ARGV: P, entryId, skill, score, fieldsJson → {position (1-based), agents ready for the skill}. KEYS unused
 * (all keys share P's slot).
 */
export const ENQUEUE = `${COMMON}
local id, skill, score, fields = ARGV[2], ARGV[3], ARGV[4], cjson.decode(ARGV[5])
for field, value in pairs(fields) do redis.call('HSET', entryKey(id), field, value) end
redis.call('HSET', entryKey(id), 'skill', skill, 'rank', score, 'state', 'waiting')
redis.call('ZADD', P .. ':queue:' .. skill, score, id)
redis.call('SADD', P .. ':skills', skill)
return { redis.call('ZRANK', P .. ':queue:' .. skill, id) + 1, redis.call('ZCARD', P .. ':ready:' .. skill) }
`;

/**
 * ARGV: P, now, minLevelsJson, skill... → {entryId, agentId, skill, more} or nil; more is 1 when another
 * caller was seen waiting (a further MATCH may find a pair), 0 when this was the last one.
 * The best waiting entry over the given skills (lowest rank) that has an eligible ready agent gets the
 * longest-idle one among them; both are marked in the same step.
 */
export const MATCH = `${COMMON}
local now, minLevels = ARGV[2], cjson.decode(ARGV[3])
local heads = {}
local behind = {}
for i = 4, #ARGV do
  local skill = ARGV[i]
  local queued = redis.call('ZRANGE', P .. ':queue:' .. skill, 0, 199, 'WITHSCORES')
  for j = 1, #queued, 2 do
    if redis.call('HGET', entryKey(queued[j]), 'state') == 'waiting' then
      if behind[skill] == nil then
        table.insert(heads, { id = queued[j], score = tonumber(queued[j + 1]), skill = skill })
        behind[skill] = false
      else
        behind[skill] = true
        break
      end
    end
  end
end
table.sort(heads, function(a, b) return a.score < b.score end)
for _, head in ipairs(heads) do
  local minLevel = tonumber(minLevels[head.skill] or 1)
  local ready = redis.call('ZRANGE', P .. ':ready:' .. head.skill, 0, -1)
  for _, agentId in ipairs(ready) do
    local agent = agentKey(agentId)
    if redis.call('HGET', agent, 'state') == 'ready' then
      local level = tonumber(skillsOf(agentId)[head.skill] or 0)
      if level >= minLevel then
        redis.call('HSET', entryKey(head.id), 'state', 'offered', 'agentId', agentId, 'offeredAt', now)
        redis.call('HINCRBY', entryKey(head.id), 'offers', 1)
        leaveReady(agentId)
        redis.call('HSET', agent, 'state', 'ringing', 'entryId', head.id, 'callId', redis.call('HGET', entryKey(head.id), 'callId') or '', 'since', now)
        -- Another caller still waits (here or in another skill): worth asking again at once.
        local more = (#heads > 1 or behind[head.skill]) and 1 or 0
        return { head.id, agentId, head.skill, more }
      end
    end
  end
end
return nil
`;

/**
 * ARGV: P, entryId, agentId, agentChannelId → {1|0, entry fields, agent fields}: remembers the agent leg of an
 * offer (for restarts) if the entry is still offered to that agent (1), and returns both hashes as they are
 * now, so ringing the agent needs no second read.
 */
export const OFFER_LEG = `${COMMON}
local entryId, agentId, leg = ARGV[2], ARGV[3], ARGV[4]
local entry, agent = entryKey(entryId), agentKey(agentId)
local recorded = 0
if redis.call('HGET', entry, 'state') == 'offered' and redis.call('HGET', entry, 'agentId') == agentId and redis.call('EXISTS', agent) == 1 then
  redis.call('HSET', entry, 'agentChannelId', leg)
  redis.call('HSET', agent, 'agentChannelId', leg)
  recorded = 1
end
return { recorded, redis.call('HGETALL', entry), redis.call('HGETALL', agent) }
`;

/**
 * ARGV: P, entryId → {entry fields, agent fields}: an entry and the agent it names (none when it names
 * nobody), read together, so ending a call reads both in one round trip. Reads only.
 */
export const ENTRY_WITH_AGENT = `${COMMON}
local fields = redis.call('HGETALL', entryKey(ARGV[2]))
local agentId = redis.call('HGET', entryKey(ARGV[2]), 'agentId')
if not agentId or agentId == '' then return { fields, {} } end
return { fields, redis.call('HGETALL', agentKey(agentId)) }
`;

/**
 * ARGV: P, entryId, agentId, now → {'OK', entry fields, agent fields} (entry connected, agent on_call) or
 * {'STALE'}.
 */
export const CONNECT = `${COMMON}
local entryId, agentId, now = ARGV[2], ARGV[3], ARGV[4]
local entry = entryKey(entryId)
if redis.call('HGET', entry, 'state') ~= 'offered' or redis.call('HGET', entry, 'agentId') ~= agentId then return { 'STALE' } end
redis.call('HSET', entry, 'state', 'connected', 'connectedAt', now)
redis.call('ZREM', P .. ':queue:' .. redis.call('HGET', entry, 'skill'), entryId)
redis.call('HSET', agentKey(agentId), 'state', 'on_call', 'since', now)
return { 'OK', redis.call('HGETALL', entry), redis.call('HGETALL', agentKey(agentId)) }
`;

/**
 * ARGV: P, entryId, agentId, outcome (rona|failed), now → 'OK' or 'STALE'. The caller goes back to
 * waiting with the same rank (keeps the place). RONA makes the agent not ready; a failure that is not the
 * agent's (e.g. a restart) puts them back to ready with their old idle time.
 */
export const RELEASE_OFFER = `${COMMON}
local entryId, agentId, outcome, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local entry = entryKey(entryId)
if redis.call('HGET', entry, 'state') ~= 'offered' or redis.call('HGET', entry, 'agentId') ~= agentId then return 'STALE' end
redis.call('HSET', entry, 'state', 'waiting', 'agentId', '', 'agentChannelId', '')
local agent = agentKey(agentId)
if redis.call('HGET', agent, 'state') == 'ringing' and redis.call('HGET', agent, 'entryId') == entryId then
  redis.call('HDEL', agent, 'entryId', 'callId', 'agentChannelId')
  if outcome == 'rona' then
    redis.call('HSET', agent, 'state', 'not_ready', 'reason', 'rona', 'since', now)
  else
    joinReady(agentId, redis.call('HGET', agent, 'readySince') or now)
  end
end
return 'OK'
`;

/**
 * ARGV: P, entryId, now → the entry's fields (flat list) or nil. Removes a waiting/offered entry (caller
 * gone, callback taken, transferred); an agent ringing for it goes back to ready with their idle time.
 */
export const REMOVE_ENTRY = `${COMMON}
local entryId, now = ARGV[2], ARGV[3]
local entry = entryKey(entryId)
local fields = redis.call('HGETALL', entry)
if #fields == 0 then return nil end
local state, agentId, skill = redis.call('HGET', entry, 'state'), redis.call('HGET', entry, 'agentId'), redis.call('HGET', entry, 'skill')
redis.call('ZREM', P .. ':queue:' .. skill, entryId)
redis.call('DEL', entry)
if state == 'offered' and agentId and agentId ~= '' then
  local agent = agentKey(agentId)
  if redis.call('HGET', agent, 'state') == 'ringing' and redis.call('HGET', agent, 'entryId') == entryId then
    redis.call('HDEL', agent, 'entryId', 'callId', 'agentChannelId')
    joinReady(agentId, redis.call('HGET', agent, 'readySince') or now)
  end
end
return fields
`;

/**
 * ARGV: P, agentId, entryId, wrapUntil, now → {previousState, newState}. Ends the agent's talk: the entry is
 * deleted and the agent goes to wrap-up (or straight on, with no wrap-up time) - to a deferred state if one
 * was asked for during the call.
 */
export const END_TALK = `${COMMON}
local agentId, entryId, wrapUntil, now = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
redis.call('DEL', entryKey(entryId))
local agent = agentKey(agentId)
local state = redis.call('HGET', agent, 'state') or 'logged_out'
if redis.call('HGET', agent, 'entryId') ~= entryId then return {state, state} end
redis.call('HDEL', agent, 'entryId', 'callId', 'agentChannelId')
if state ~= 'on_call' and state ~= 'ringing' then return {state, state} end
if wrapUntil > tonumber(now) then
  redis.call('HSET', agent, 'state', 'wrap_up', 'wrapUntil', wrapUntil, 'since', now)
  return {state, 'wrap_up'}
end
local nextState = redis.call('HGET', agent, 'nextState')
redis.call('HDEL', agent, 'nextState')
if nextState == 'not_ready' then
  redis.call('HSET', agent, 'state', 'not_ready', 'reason', redis.call('HGET', agent, 'nextReason') or '', 'since', now)
  return {state, 'not_ready'}
end
joinReady(agentId, now)
redis.call('HSET', agent, 'since', now)
return {state, 'ready'}
`;

/** ARGV: P, now → flat list of agentId, newState for every agent whose wrap-up has run out. */
export const WRAP_EXPIRED = `${COMMON}
local now = tonumber(ARGV[2])
local changed = {}
for _, agentId in ipairs(redis.call('SMEMBERS', P .. ':agents')) do
  local agent = agentKey(agentId)
  if redis.call('HGET', agent, 'state') == 'wrap_up' and tonumber(redis.call('HGET', agent, 'wrapUntil') or 0) <= now then
    local nextState = redis.call('HGET', agent, 'nextState')
    redis.call('HDEL', agent, 'nextState', 'wrapUntil')
    if nextState == 'not_ready' then
      redis.call('HSET', agent, 'state', 'not_ready', 'reason', redis.call('HGET', agent, 'nextReason') or '', 'since', now)
      table.insert(changed, agentId); table.insert(changed, 'not_ready')
    else
      joinReady(agentId, now)
      redis.call('HSET', agent, 'since', now)
      table.insert(changed, agentId); table.insert(changed, 'ready')
    end
  end
end
return changed
`;

/** ARGV: P, entryId, toSkill → 1 if moved. Overflow keeps the entry's rank, so the caller keeps their place. */
export const MOVE_ENTRY = `${COMMON}
local entryId, toSkill = ARGV[2], ARGV[3]
local entry = entryKey(entryId)
local state, fromSkill, rank = redis.call('HGET', entry, 'state'), redis.call('HGET', entry, 'skill'), redis.call('HGET', entry, 'rank')
if state ~= 'waiting' then return 0 end
redis.call('ZREM', P .. ':queue:' .. fromSkill, entryId)
redis.call('ZADD', P .. ':queue:' .. toSkill, rank, entryId)
redis.call('HSET', entry, 'skill', toSkill)
redis.call('SADD', P .. ':skills', toSkill)
return 1
`;

/**
 * ARGV: P, skill, seconds, weight → the new rolling handle time. Exponentially weighted, so recent calls count
 * most; read and write in one step (one round trip, and two processes cannot overwrite each other's call).
 */
export const HANDLE_TIME = `${COMMON}
local key = P .. ':stats:' .. ARGV[2]
local seconds, weight = tonumber(ARGV[3]), tonumber(ARGV[4])
local previous = tonumber(redis.call('HGET', key, 'handleTime'))
local nextValue = seconds
if previous then nextValue = previous * (1 - weight) + seconds * weight end
local text = string.format('%.1f', nextValue)
redis.call('HSET', key, 'handleTime', text)
return text
`;
