namespace Clusterpedia.ApiServer.Configuration;

internal enum ConfigShapeKind
{
    Scalar,
    Object,
    List,
    Map,
}
