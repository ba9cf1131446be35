-- Clusterpedia's JSON module for workload plugins, served to require("dkjson"). It is written for this project and
-- offers the calls plugins written for dkjson use: decode(str, pos, nullval) and encode(value). It is not dkjson.
--
-- decode(str [, pos [, nullval]]): objects become tables keyed by name, arrays tables indexed from 1, JSON null
-- becomes nullval (nil by default, so the key is absent); returns the value and the position after it, or nil, the
-- position of the error and a message.
local rawpcall, rawerror, type, tonumber, tostring, setmetatable, pairs, next = pcall, error, type, tonumber, tostring, setmetatable, pairs, next
local byte, sub, find, format, gsub, char = string.byte, string.sub, string.find, string.format, string.gsub, string.char
local concat, sort = table.concat, table.sort
local utf8char = utf8.char
local mathtype, huge = math.type, math.huge

local M = { version = "clusterpedia-json 1" }

-- The value dkjson calls json.null: passed as nullval, it stands for null in decoded tables; encoded, it is null.
M.null = setmetatable({}, { __tostring = function() return "null" end, __metatable = "json null" })

local failure = {} -- marks errors raised by the decoder itself, as opposed to budget errors that must travel on

local function fail(pos, message)
  rawerror({ [failure] = true, pos = pos, message = message }, 0)
end

local escapes = { [34] = '"', [92] = "\\", [47] = "/", [98] = "\b", [102] = "\f", [110] = "\n", [114] = "\r", [116] = "\t" }

local function skip(s, pos)
  local _, last = find(s, "^[ \t\r\n]*", pos)
  return last + 1
end

local function scanstring(s, pos)
  local parts, n, i = {}, 0, pos + 1
  while true do
    local at = find(s, '["\\]', i)
    if not at then fail(pos, "unterminated string") end
    if at > i then
      n = n + 1
      parts[n] = sub(s, i, at - 1)
    end
    if byte(s, at) == 34 then
      return concat(parts), at + 1
    end
    local e = byte(s, at + 1)
    if e == 117 then -- \uXXXX, with a following low surrogate joined to its high one
      local hex = sub(s, at + 2, at + 5)
      if not find(hex, "^%x%x%x%x$") then fail(at, "invalid \\u escape") end
      local code = tonumber(hex, 16)
      i = at + 6
      if code >= 0xD800 and code <= 0xDBFF and find(s, "^\\u[dD][c-fC-F]%x%x", i) then
        code = 0x10000 + (code - 0xD800) * 0x400 + (tonumber(sub(s, i + 2, i + 5), 16) - 0xDC00)
        i = i + 6
      end
      n = n + 1
      parts[n] = utf8char(code)
    else
      local text = e and escapes[e]
      if not text then fail(at, "invalid escape in string") end
      n = n + 1
      parts[n] = text
      i = at + 2
    end
  end
end

local maxdepth = 200
local value

local function object(s, pos, nullval, depth)
  local result = {}
  pos = skip(s, pos + 1)
  if byte(s, pos) == 125 then return result, pos + 1 end
  while true do
    if byte(s, pos) ~= 34 then fail(pos, "expected a string key") end
    local key
    key, pos = scanstring(s, pos)
    pos = skip(s, pos)
    if byte(s, pos) ~= 58 then fail(pos, "expected ':' after a key") end
    result[key], pos = value(s, pos + 1, nullval, depth)
    pos = skip(s, pos)
    local c = byte(s, pos)
    if c == 125 then return result, pos + 1 end
    if c ~= 44 then fail(pos, "expected ',' or '}' in an object") end
    pos = skip(s, pos + 1)
  end
end

local function array(s, pos, nullval, depth)
  local result, n = {}, 0
  pos = skip(s, pos + 1)
  if byte(s, pos) == 93 then return result, pos + 1 end
  while true do
    n = n + 1
    result[n], pos = value(s, pos, nullval, depth)
    pos = skip(s, pos)
    local c = byte(s, pos)
    if c == 93 then return result, pos + 1 end
    if c ~= 44 then fail(pos, "expected ',' or ']' in an array") end
    pos = pos + 1
  end
end

function value(s, pos, nullval, depth)
  pos = skip(s, pos)
  local c = byte(s, pos)
  if c == nil then fail(pos, "unexpected end of input") end
  if c == 123 or c == 91 then
    if depth >= maxdepth then fail(pos, "too deeply nested") end
    if c == 123 then return object(s, pos, nullval, depth + 1) end
    return array(s, pos, nullval, depth + 1)
  end
  if c == 34 then return scanstring(s, pos) end
  local first, last = find(s, "^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
  if first then
    local number = tonumber(sub(s, first, last))
    if number == nil then fail(pos, "invalid number") end
    return number, last + 1
  end
  if sub(s, pos, pos + 3) == "true" then return true, pos + 4 end
  if sub(s, pos, pos + 4) == "false" then return false, pos + 5 end
  if sub(s, pos, pos + 3) == "null" then return nullval, pos + 4 end
  fail(pos, "unexpected character '" .. sub(s, pos, pos) .. "'")
end

function M.decode(str, pos, nullval)
  if type(str) ~= "string" then
    return nil, pos or 1, "decode expects a string, got " .. type(str)
  end
  local ok, result, nextpos = rawpcall(value, str, pos or 1, nullval, 0)
  if ok then return result, nextpos end
  if type(result) == "table" and result[failure] then
    return nil, result.pos, result.message .. " at position " .. result.pos
  end
  rawerror(result, 0) -- not ours (an exhausted budget): it goes on up
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
