package.path = package.path..";/bin/?.lua"
local dkjson = require("dkjson")

function GetWorkloadTypeAndName(metaJsonStr)
    local metaData = dkjson.decode(metaJsonStr,1,nil)
    local ownerReferencesData = metaData["ownerReferences"] or {}
    local meteTable  = ownerReferencesData[1] or {}
    local workloadType = ""
    local workloadName = ""
    -- 获取 workloadType,并确保它是字符串类型
    workloadType = tostring(meteTable["kind"] or "")
    -- 如果我们只想对 workloadType = "OpenGaussCluster" 的进行处理,可以在这里过滤掉其他 Pod 的元数据
    if workloadType ~= "OpenGaussCluster" then
        -- 过滤掉的直接返回空字符串
        return "", ""
    else
        -- 对特殊 Pod 进行处理,使它返回的工作负载类型是我们支持的类型
        workloadType = "StatefulSet"
    end
    -- 获取 workloadName,并确保它是字符串类型
    -- 这里 Pod 中有 ownerReferences 数据,ownerReferences 中的 name 即 workloadName
    -- 如果 Pod 中没有 ownerReferences 数据,可以根据 pod name 计算出 workloadName
    local workloadName = tostring(meteTable["name"] or "")
    return workloadType, workloadName
end
