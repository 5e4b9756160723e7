/* stubs_pending — placeholders so the tree links while other parts are
 * written on their own branches. Each branch deletes the stubs it replaces. */
