-- Clusterpedia's JSON module for workload plugins, served to require("dkjson"). It is written for this project and
-- offers the calls plugins written for dkjson use: decode(str, pos, nullval) and encode(value). It is not dkjson.
--
-- decode(str [, pos [, nullval]]): objects become tables keyed by name, arrays tables indexed from 1, JSON null
-- becomes nullval (nil by default, so the key is absent); returns the value and the position after it, or nil, the
-- position of the error and a message.
local rawerror, type, tonumber, tostring, setmetatable, pairs, ipairs = error, type, tonumber, tostring, setmetatable, pairs, ipairs
local byte, format, gsub = string.byte, string.format, string.gsub
local concat, sort = table.concat, table.sort
local mathtype, huge = math.type, math.huge

local M = { version = "clusterpedia-json 1" }

-- The value dkjson calls json.null: passed as nullval, it stands for null in decoded tables; encoded, it is null.
M.null = setmetatable({}, { __tostring = function() return "null" end, __metatable = "json null" })

-- The decoding itself is the host's (Utf8JsonReader, in LuaSandbox.Json.cs), handed to this chunk when it loads.
local decodeJson = ...

function M.decode(str, pos, nullval)
  if type(str) ~= "string" then
    return nil, pos or 1, "decode expects a string, got " .. type(str)
  end
  if pos ~= nil and mathtype(pos) ~= "integer" then
    pos = tonumber(pos)
    if pos == nil or pos ~= pos // 1 then return nil, 1, "decode expects an integer position" end
    pos = pos // 1
  end
  return decodeJson(str, pos or 1, nullval)
end

local function quote(s)
  return '"' .. gsub(s, '[%c"\\]', function(c)
    local b = byte(c)
    if b == 34 then return '\\"' end
    if b == 92 then return "\\\\" end
    if b == 10 then return "\\n" end
    if b == 13 then return "\\r" end
    if b == 9 then return "\\t" end
    return format("\\u%04x", b)
  end) .. '"'
end

local maxdepth = 200
local encodevalue

local function encodetable(t, depth, out)
  if depth >= maxdepth then rawerror("encode: too deeply nested", 0) end
  local n = #t
  local isarray = true
  for k in pairs(t) do
    if mathtype(k) ~= "integer" or k < 1 or k > n then
      isarray = false
      break
    end
  end
  if isarray then
    out[#out + 1] = "["
    for i = 1, n do
      if i > 1 then out[#out + 1] = "," end
      encodevalue(t[i], depth + 1, out)
    end
    out[#out + 1] = "]"
    return
  end
  local keys = {}
  for k in pairs(t) do
    if type(k) == "string" or type(k) == "number" then keys[#keys + 1] = tostring(k) end
  end
  sort(keys)
  out[#out + 1] = "{"
  for i, k in ipairs(keys) do
    if i > 1 then out[#out + 1] = "," end
    out[#out + 1] = quote(k)
    out[#out + 1] = ":"
    local v = t[k]
    if v == nil then v = t[tonumber(k)] end
    encodevalue(v, depth + 1, out)
  end
  out[#out + 1] = "}"
end

function encodevalue(v, depth, out)
  local t = type(v)
  if v == nil or v == M.null then
    out[#out + 1] = "null"
  elseif t == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif t == "number" then
    if v ~= v or v == huge or v == -huge then
      out[#out + 1] = "null"
    elseif mathtype(v) == "integer" then
      out[#out + 1] = format("%d", v)
    else
      out[#out + 1] = format("%.17g", v)
    end
  elseif t == "string" then
    out[#out + 1] = quote(v)
  elseif t == "table" then
    encodetable(v, depth, out)
  else
    rawerror("encode: cannot encode a " .. t .. " value", 0)
  end
end

function M.encode(v)
  local out = {}
  encodevalue(v, 0, out)
  return concat(out)
end

return M
