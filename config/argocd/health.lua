-- Argo CD health check for LoginProfile (iam.loginprofile.io).
--
-- Argo CD runs the health scripts of argocd-cm without Lua's standard libraries (unless
-- resource.customizations.useOpenLibs is set): no string, math, os or io. This script uses
-- only the base functions, type and ipairs, and checks the type of every field it reads, so
-- that no object, however malformed, makes it fail.
--
-- The verdict follows the kstatus conventions the operator implements:
--   being deleted                               -> Progressing
--   no status yet                               -> Progressing
--   status.observedGeneration not the generation -> Progressing
--   Stalled=True                                -> Degraded
--   Reconciling=True                            -> Progressing
--   Ready True / False / Unknown                -> Healthy / Degraded / Progressing
--   no Ready condition                          -> Progressing
-- The message of a verdict drawn from a condition is "<type>: <reason>: <message>".

local function isTable(v)
  return type(v) == "table"
end

local function text(v)
  if type(v) == "string" then
    return v
  end
  return ""
end

-- describe renders a condition as "<type>: <reason>: <message>", leaving out empty parts.
local function describe(c)
  local s = text(c.type)
  if text(c.reason) ~= "" then
    s = s .. ": " .. c.reason
  end
  if text(c.message) ~= "" then
    s = s .. ": " .. c.message
  end
  return s
end

local function verdict(status, message)
  return { status = status, message = message }
end

local metadata = {}
if isTable(obj) and isTable(obj.metadata) then
  metadata = obj.metadata
end
local status = nil
if isTable(obj) and isTable(obj.status) then
  status = obj.status
end

-- The first condition of each type.
local conditions = {}
if status ~= nil and isTable(status.conditions) then
  for _, c in ipairs(status.conditions) do
    if isTable(c) and type(c.type) == "string" and conditions[c.type] == nil then
      conditions[c.type] = c
    end
  end
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local stalled = conditions["Stalled"]
local reconciling = conditions["Reconciling"]
local ready = conditions["Ready"]

if metadata.deletionTimestamp ~= nil and metadata.deletionTimestamp ~= "" then
  local message = "LoginProfile is being deleted"
  if isTrue(stalled) then
    message = message .. ": " .. describe(stalled)
  elseif isTrue(reconciling) then
    message = message .. ": " .. describe(reconciling)
  end
  return verdict("Progressing", message)
end

if status == nil then
  return verdict("Progressing", "Waiting for the operator to report the status")
end

local generation = metadata.generation
local observed = status.observedGeneration
if type(generation) == "number" and type(observed) == "number" and observed ~= generation then
  return verdict("Progressing", "Waiting for the operator to act on generation " .. generation ..
    " (the status is of generation " .. observed .. ")")
end

if isTrue(stalled) then
  return verdict("Degraded", describe(stalled))
end
if isTrue(reconciling) then
  return verdict("Progressing", describe(reconciling))
end

if ready == nil then
  return verdict("Progressing", "Waiting for the operator to set the Ready condition")
end
if ready.status == "True" then
  return verdict("Healthy", describe(ready))
end
if ready.status == "False" then
  return verdict("Degraded", describe(ready))
end
return verdict("Progressing", describe(ready))
