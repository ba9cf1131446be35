-- The trusted half of a plugin's Lua state (LuaSandbox runs it once, before any plugin code): it builds the
-- environment a plugin sees (no io, os beyond time, debug, files, binary chunks, or finalizers; require gives only
-- our JSON module) and returns the two entry points the host calls, each under an instruction budget and a deadline
-- checked by a count hook. Plugin code never sees this chunk's locals or the real globals.
local jsonSource, now, hookEvery, maxRepBytes, decodeJson = ...

local rawpcall, rawxpcall, rawerror, rawload, rawsetmetatable = pcall, xpcall, error, load, setmetatable
local type, tostring, rawget, pairs = type, tostring, rawget, pairs
local sethook, getinfo = debug.sethook, debug.getinfo
local rawrep, collect = string.rep, collectgarbage

local tripped -- the message of the budget that ran out in this call; every later hook and pcall raises it again
local hooks, maxHooks, deadline = 0, 0, 0

local function where()
  local info = getinfo(3, "Sl")
  if info and info.currentline and info.currentline > 0 then
    return info.short_src .. ":" .. info.currentline .. ": "
  end
  return ""
end

local function hook()
  if tripped then rawerror(tripped, 0) end
  hooks = hooks + 1
  if hooks > maxHooks then
    tripped = where() .. "instruction budget exceeded (" .. (maxHooks * hookEvery) .. " instructions)"
    rawerror(tripped, 0)
  end
  if now() > deadline then
    tripped = where() .. "timeout exceeded"
    rawerror(tripped, 0)
  end
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local json = rawload(jsonSource, "=dkjson", "t")(decodeJson)

local safeString = copy(string)
safeString.dump = nil
safeString.rep = function(s, n, sep)
  if type(n) == "number" and n > 0 and (type(s) == "string" or type(s) == "number") then
    local size = #tostring(s) * n + ((type(sep) == "string" or type(sep) == "number") and #tostring(sep) * (n - 1) or 0)
    if size > maxRepBytes then
      rawerror("string.rep: a result of " .. size .. " bytes is over the limit of " .. maxRepBytes .. " bytes", 2)
    end
  end
  return rawrep(s, n, sep)
end
-- Methods on strings ("x"):rep(n) go to the guarded table, and plugins cannot change that.
local stringMeta = getmetatable("")
stringMeta.__index = safeString
stringMeta.__metatable = false

-- A budget error caught by the plugin's own pcall is raised again: the plugin cannot outlive its budget.
local function rethrow(ok, ...)
  if tripped then rawerror(tripped, 0) end
  if not ok and (...) == "not enough memory" then
    tripped = "memory limit exceeded"
    rawerror(tripped, 0)
  end
  return ok, ...
end

local env = {
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, select = select,
  tonumber = tonumber, tostring = tostring, type = type, rawequal = rawequal, rawget = rawget, rawlen = rawlen,
  rawset = rawset, getmetatable = getmetatable, _VERSION = _VERSION,
  string = safeString, table = copy(table), math = copy(math), utf8 = copy(utf8),
  os = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime },
  print = function() end,
}
env._G = env
env.package = { path = "./?.lua", loaded = { dkjson = json } }
env.pcall = function(f, ...) return rethrow(rawpcall(f, ...)) end
env.xpcall = function(f, handler, ...) return rethrow(rawxpcall(f, handler, ...)) end
env.setmetatable = function(t, meta)
  if type(meta) == "table" and rawget(meta, "__gc") ~= nil then
    rawerror("setmetatable: __gc metamethods are not allowed in plugins", 2)
  end
  return rawsetmetatable(t, meta)
end
env.collectgarbage = function(option)
  if option == "count" then return collect("count") end
  rawerror("collectgarbage: plugins may only ask for \"count\"", 2)
end
env.load = function(chunk, name, mode, chunkEnv)
  if type(chunk) ~= "string" then
    return nil, "load: plugins may only load source text given as a string"
  end
  return rawload(chunk, name, "t", chunkEnv or env)
end
env.require = function(name)
  if name == "dkjson" then return json end
  rawerror("module '" .. tostring(name) .. "' not found: plugins may only require \"dkjson\"", 2)
end

local function arm(maxInstructions, milliseconds)
  tripped = nil
  hooks = 0
  maxHooks = maxInstructions // hookEvery
  deadline = now() + milliseconds
  sethook(hook, "", hookEvery)
end

local function describe(e)
  if tripped then return tripped end
  if type(e) == "string" then return e end
  return "(error object is a " .. type(e) .. " value)"
end

-- Runs the script's top level; true, or false and the message.
local function compile(source, chunkName, maxInstructions, milliseconds)
  local chunk, err = rawload(source, chunkName, "t", env)
  if not chunk then return false, err end
  arm(maxInstructions, milliseconds)
  local ok, e = rawpcall(chunk)
  sethook()
  if not ok or tripped then return false, describe(e) end
  if type(rawget(env, "GetWorkloadTypeAndName")) ~= "function" then
    return false, "the script does not define function GetWorkloadTypeAndName(metaJsonStr)"
  end
  return true
end

-- Calls GetWorkloadTypeAndName; true and the two strings, or false and the message.
local function resolve(metaJson, maxInstructions, milliseconds)
  local f = rawget(env, "GetWorkloadTypeAndName")
  if type(f) ~= "function" then
    return false, "GetWorkloadTypeAndName is no longer a function"
  end
  arm(maxInstructions, milliseconds)
  local ok, kind, name = rawpcall(f, metaJson)
  sethook()
  if not ok or tripped then return false, describe(kind) end
  if kind == nil and name == nil then return true, "", "" end
  if type(kind) ~= "string" or type(name) ~= "string" then
    return false, "GetWorkloadTypeAndName must return two strings, it returned a " .. type(kind) .. " and a " .. type(name)
  end
  return true, kind, name
end

return compile, resolve
