namespace Clusterpedia.Storage;
