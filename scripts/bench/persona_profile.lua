#!lua name=persona
-- The Redis baseline of the benchmark suite (docs/benchmarks.md): the
-- profile updates Persona makes per event, done the way a Redis user would,
-- in one server-side function called once per batch of events.
--
-- FCALL persona_ingest N key_1 .. key_N  (type ts item category brand amount) x N
--
-- Per user (key "p:<user>"):
--   p:<user>      hash: lifetime count per event type, first_seen, last_seen,
--                 monetary (purchases minus refunds)
--   p:<user>:w    hash: "<day>:<type>" counts of the last 30 days (daily windows)
--   p:<user>:ac   sorted set: category affinity, time-decayed, top 16
--   p:<user>:ab   sorted set: brand affinity, time-decayed, top 16
--   p:<user>:r    list: the last 50 items, newest first
-- Decay uses forward decay: an interaction at ts adds
-- weight * 2^((ts - epoch) / half_life), so older ones weigh less with no
-- rescaling pass (Persona's defaults: 7-day half-life, the same weights).

local HALF_LIFE_MS = 7 * 24 * 3600 * 1000
local EPOCH_MS = 1767225600000
local TOP_K = 16
local RECENT = 50
local WINDOW_DAYS = 30
local DAY_MS = 86400000
local TYPES = {'view', 'click', 'add_to_cart', 'remove_from_cart', 'purchase',
               'rating', 'search', 'login', 'refund'}
local WEIGHT = {view = 1, click = 2, add_to_cart = 4, purchase = 8, rating = 4, search = 1}

local function roll_window(wkey, day)
  local newest = tonumber(redis.call('HGET', wkey, 'day'))
  if newest == nil or day > newest then
    if newest ~= nil then
      -- Days leaving the window: (newest - 30, day - 30], at most 30 of them.
      for d = newest - WINDOW_DAYS + 1, math.min(day - WINDOW_DAYS, newest) do
        local fields = {}
        for i, t in ipairs(TYPES) do
          fields[i] = d .. ':' .. t
        end
        redis.call('HDEL', wkey, unpack(fields))
      end
    end
    redis.call('HSET', wkey, 'day', day)
  end
end

local function add_affinity(zkey, name, score)
  redis.call('ZINCRBY', zkey, score, name)
  redis.call('ZREMRANGEBYRANK', zkey, 0, -(TOP_K + 1))
end

local function apply(key, etype, ts, item, category, brand, amount)
  redis.call('HINCRBY', key, etype, 1)
  redis.call('HSETNX', key, 'first_seen', ts)
  redis.call('HSET', key, 'last_seen', ts)
  local day = math.floor(ts / DAY_MS)
  local wkey = key .. ':w'
  roll_window(wkey, day)
  redis.call('HINCRBY', wkey, day .. ':' .. etype, 1)
  local w = WEIGHT[etype]
  if w ~= nil and category ~= '' then
    local score = w * 2 ^ ((ts - EPOCH_MS) / HALF_LIFE_MS)
    add_affinity(key .. ':ac', category, score)
    if brand ~= '' then
      add_affinity(key .. ':ab', brand, score)
    end
  end
  if item ~= '' then
    redis.call('LPUSH', key .. ':r', item)
    redis.call('LTRIM', key .. ':r', 0, RECENT - 1)
  end
  if etype == 'purchase' then
    redis.call('HINCRBYFLOAT', key, 'monetary', amount)
  elseif etype == 'refund' then
    redis.call('HINCRBYFLOAT', key, 'monetary', -amount)
  end
end

redis.register_function('persona_ingest', function(keys, args)
  for i = 1, #keys do
    local o = (i - 1) * 6
    apply(keys[i], args[o + 1], tonumber(args[o + 2]), args[o + 3], args[o + 4], args[o + 5],
          tonumber(args[o + 6]))
  end
  return #keys
end)
