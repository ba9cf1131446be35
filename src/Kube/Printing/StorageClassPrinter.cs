using System.Text.Json;

namespace Clusterpedia.Kube.Printing;

/// <summary>
/// storage.k8s.io/v1 storageclasses: the default class is marked in the name, and AllowVolumeExpansion is declared
/// string but its cell is a boolean.
/// </summary>
internal sealed class StorageClassPrinter : ITablePrinter
{
    private static readonly TableColumnDefinition[] _columns =
    [
        CommonColumns.Name,
        CommonColumns.String("Provisioner", "provisioner indicates the type of the provisioner."),
        CommonColumns.String("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete."),
        CommonColumns.String("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature."),
        CommonColumns.String("AllowVolumeExpansion", "allowVolumeExpansion shows whether the storage class allow volume expand."),
        CommonColumns.Age,
    ];

    public IReadOnlyList<TableColumnDefinition> Columns => _columns;

    public void WriteCells(Utf8JsonWriter writer, JsonElement obj, DateTimeOffset now)
    {
        var annotations = obj.Prop("metadata", "annotations");
        var isDefault = annotations.Prop("storageclass.kubernetes.io/is-default-class").Str() == "true"
            || annotations.Prop("storageclass.beta.kubernetes.io/is-default-class").Str() == "true";
        var reclaimPolicy = obj.Prop("reclaimPolicy");
        var bindingMode = obj.Prop("volumeBindingMode");

        writer.WriteStringValue(isDefault ? Cells.Name(obj) + " (default)" : Cells.Name(obj));
        writer.WriteStringValue(obj.Prop("provisioner").Str());
        writer.WriteStringValue(reclaimPolicy.ValueKind == JsonValueKind.String ? reclaimPolicy.Str() : "Delete");
        writer.WriteStringValue(bindingMode.ValueKind == JsonValueKind.String ? bindingMode.Str() : "Immediate");
        writer.WriteBooleanValue(obj.Prop("allowVolumeExpansion").Bool());
        writer.WriteStringValue(Cells.Age(obj, now));
    }
}
