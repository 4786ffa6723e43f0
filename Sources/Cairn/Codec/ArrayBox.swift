/// An array being encoded; a box because nested containers fill it after it is stored.
final class ArrayBox {
    var items: [EncodedNode] = []
}
