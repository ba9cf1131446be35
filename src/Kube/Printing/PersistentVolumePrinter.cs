using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>core/v1 persistentvolumes and persistentvolumeclaims; VolumeMode is priority 1 but always present.</summary>
internal sealed class PersistentVolumePrinter : ITablePrinter
{
    private const string _betaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    private static readonly TableColumnDefinition[] _volumeColumns =
    [
        CommonColumns.Name,
        CommonColumns.String("Capacity", "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
        CommonColumns.String("Access Modes", "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"),
        CommonColumns.String("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming"),
        CommonColumns.String("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase"),
        CommonColumns.String("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding"),
        CommonColumns.String("StorageClass", "StorageClass of the pv"),
        CommonColumns.String("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
        CommonColumns.String("Reason", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
        CommonColumns.Age,
        CommonColumns.String("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.", 1),
    ];

    private static readonly TableColumnDefinition[] _claimColumns =
    [
        CommonColumns.Name,
        CommonColumns.String("Status", "phase represents the current phase of PersistentVolumeClaim."),
        CommonColumns.String("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
        CommonColumns.String("Capacity", "capacity represents the actual resources of the underlying volume."),
        CommonColumns.String("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
        CommonColumns.String("StorageClass", "StorageClass of the pvc"),
        CommonColumns.String("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
        CommonColumns.Age,
        CommonColumns.String("VolumeMode", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", 1),
    ];

    private static readonly (string Mode, string Short)[] _accessModes =
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ];

    private readonly bool _claim;

    /// <param name="claim">True for persistentvolumeclaims.</param>
    public PersistentVolumePrinter(bool claim)
    {
        _claim = claim;
    }

    public IReadOnlyList<TableColumnDefinition> Columns => _claim ? _claimColumns : _volumeColumns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        if (_claim)
        {
            WriteClaim(writer, obj, now);
        }
        else
        {
            WriteVolume(writer, obj, now);
        }
    }

    private static void WriteVolume(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        var claimRef = spec.Prop("claimRef");
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(Quantity(spec.Prop("capacity", "storage")));
        writer.WriteStringValue(AccessModes(spec.Prop("accessModes")));
        writer.WriteStringValue(spec.Prop("persistentVolumeReclaimPolicy").Str());
        writer.WriteStringValue(Phase(obj));
        writer.WriteStringValue(claimRef.IsSet() ? $"{claimRef.Prop("namespace").Str()}/{claimRef.Prop("name").Str()}" : string.Empty);
        writer.WriteStringValue(StorageClass(obj, spec.Prop("storageClassName")));
        writer.WriteStringValue(StringOrUnset(spec.Prop("volumeAttributesClassName")));
        writer.WriteStringValue(obj.Prop("status", "reason").Str());
        writer.WriteStringValue(Cells.Age(obj, now));
        writer.WriteStringValue(StringOrUnset(spec.Prop("volumeMode")));
    }

    private static void WriteClaim(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var spec = obj.Prop("spec");
        var status = obj.Prop("status");
        var volumeName = spec.Prop("volumeName").Str();
        var bound = volumeName.Length > 0;
        writer.WriteStringValue(Cells.Name(obj));
        writer.WriteStringValue(Phase(obj));
        writer.WriteStringValue(volumeName);
        writer.WriteStringValue(bound ? Quantity(status.Prop("capacity", "storage")) : string.Empty);
        writer.WriteStringValue(bound ? AccessModes(status.Prop("accessModes")) : string.Empty);
        writer.WriteStringValue(StorageClass(obj, spec.Prop("storageClassName")));
        writer.WriteStringValue(StringOrUnset(spec.Prop("volumeAttributesClassName")));
        writer.WriteStringValue(Cells.Age(obj, now));
        writer.WriteStringValue(StringOrUnset(spec.Prop("volumeMode")));
    }

    private static string Phase(JsonElement obj) =>
        obj.Prop("metadata", "deletionTimestamp").IsSet() ? "Terminating" : obj.Prop("status", "phase").Str();

    /// <summary>An unset quantity prints as "0", like a zero resource.Quantity.</summary>
    private static string Quantity(JsonElement quantity) => quantity.ValueKind switch
    {
        JsonValueKind.String when quantity.Str().Length > 0 => quantity.Str(),
        JsonValueKind.Number => quantity.GetRawText(),
        _ => "0",
    };

    private static string AccessModes(JsonElement modes)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mode in modes.Items())
        {
            present.Add(mode.Str());
        }

        return string.Join(',', _accessModes.Where(m => present.Contains(m.Mode)).Select(m => m.Short));
    }

    private static string StorageClass(JsonElement obj, JsonElement storageClassName)
    {
        var annotations = obj.Prop("metadata", "annotations");
        if (annotations.ValueKind == JsonValueKind.Object && annotations.TryGetProperty(_betaStorageClassAnnotation, out var annotated))
        {
            return annotated.Str();
        }

        return storageClassName.Str();
    }

    private static string StringOrUnset(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.Str() : Cells.Unset;
}
